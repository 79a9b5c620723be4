#version 330 core
// batch.frag: coverage of shapes from signed distances (in device pixels).
// Output is premultiplied alpha. Glyphs have their own program (glyph.frag,
// same vertices): a texture fetch here would run for every shape's pixels
// too, since software GL evaluates both sides of a branch.
//
// kind 0, box: v_local is the position relative to the box centre in the
//   box's own (possibly rotated) frame; v_param = (half w, half h, corner
//   radius, stroke). Stroke 0 fills; stroke s > 0 keeps only the band of width
//   s inside the outline. Circles are boxes with radius = half size, thick
//   lines are capsules (boxes with radius = half thickness).
// kind 1, triangle: base on x = 0 from y = -v_param.y to +v_param.y, tip at
//   (v_param.x, 0). Distance is the max over the edge half-planes, exact near
//   edges, which is all the antialiasing needs.
//
// Coverage = clamp(0.5 - d, 0, 1): a one-pixel ramp centred on the edge, so a
// pixel-aligned edge covers exactly the pixels inside it.
in vec2 v_local;
flat in vec4 v_param;
flat in vec4 v_color;
flat in int v_kind;
out vec4 o_color;

float box_distance(vec2 p, vec2 half_size, float r)
{
    vec2 q = abs(p) - half_size + vec2(r);
    return length(max(q, vec2(0.0))) + min(max(q.x, q.y), 0.0) - r;
}

void main()
{
    float d;
    if (v_kind == 0) {
        d = box_distance(v_local, v_param.xy, v_param.z);
        if (v_param.w > 0.0)
            d = abs(d + 0.5 * v_param.w) - 0.5 * v_param.w;
    } else {
        vec2 n = normalize(vec2(v_param.y, v_param.x));
        d = max(-v_local.x, dot(vec2(v_local.x - v_param.x, abs(v_local.y)), n));
    }
    float cov = clamp(0.5 - d, 0.0, 1.0);
    float a = v_color.a * cov;
    o_color = vec4(v_color.rgb * a, a);
}
