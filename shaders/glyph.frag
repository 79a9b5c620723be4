#version 330 core
// glyph.frag: text, with batch.vert's vertices. v_local is the atlas uv; the
// atlas holds coverage in red. Output is premultiplied alpha, as batch.frag's.
uniform sampler2D u_atlas;
in vec2 v_local;
flat in vec4 v_color;
out vec4 o_color;

void main()
{
    float a = v_color.a * texture(u_atlas, v_local).r;
    o_color = vec4(v_color.rgb * a, a);
}
