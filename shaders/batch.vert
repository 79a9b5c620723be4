#version 330 core
// batch.vert: shapes and glyphs of the batch. Positions arrive in device
// pixels (origin top-left); u_proj maps them to clip space. Everything else
// passes through to batch.frag or glyph.frag (see the vertex layout in
// gfx_internal.h).
// A shape's parameters and colour are the same at its four corners, so they
// are flat: software GL then does not interpolate them for every pixel.
uniform mat4 u_proj;
in vec2 a_pos;
in vec2 a_local;
in vec4 a_param;
in vec4 a_color;
in vec4 a_kind;
out vec2 v_local;
flat out vec4 v_param;
flat out vec4 v_color;
flat out int v_kind;

void main()
{
    gl_Position = u_proj * vec4(a_pos, 0.0, 1.0);
    v_local = a_local;
    v_param = a_param;
    v_color = a_color;
    v_kind = int(a_kind.x + 0.5);
}
