#version 330 core
// heatmap.vert: one quad per heatmap, uv in a_local (0..1, row 0 at v = 0).
uniform mat4 u_proj;
in vec2 a_pos;
in vec2 a_local;
in vec4 a_color;
out vec2 v_uv;
out float v_alpha;

void main()
{
    gl_Position = u_proj * vec4(a_pos, 0.0, 1.0);
    v_uv = a_local;
    v_alpha = a_color.a;
}
