#version 330 core
// heatmap.frag: a float value per cell (GL_R32F, nearest) through a colormap.
// t = value * u_scale + u_bias, clamped to [0, 1]; the colormap is a table of
// 17 sRGB stops per map (u_stops[cmap * 17 + i]) interpolated linearly. This
// is exactly what gfx_cmap_color does on the CPU (heatmap.c); keep them twins.
// NaN shows as mid grey.
uniform sampler2D u_tex;
uniform float u_scale;
uniform float u_bias;
uniform int u_cmap;
uniform vec3 u_stops[51];
in vec2 v_uv;
in float v_alpha;
out vec4 o_color;

void main()
{
    float val = texture(u_tex, v_uv).r;
    vec3 c;
    if (isnan(val)) {
        c = vec3(0.5);
    } else {
        float t = clamp(val * u_scale + u_bias, 0.0, 1.0);
        float f = t * 16.0;
        int i = min(int(f), 15);
        float w = f - float(i);
        c = mix(u_stops[u_cmap * 17 + i], u_stops[u_cmap * 17 + i + 1], w);
    }
    o_color = vec4(c * v_alpha, v_alpha);
}
