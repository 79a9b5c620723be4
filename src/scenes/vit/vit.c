/* vit.c: a vision transformer reads a digit as a sequence of patches;
 * attention spans the whole image from the first layer; Swin's windows.
 *
 * The network (vit_model.h: 16x16 digits, 4x4 patches, 16 tokens and a class
 * token, D 32, 4 heads, 3 pre-norm blocks) was trained by tools/train_vit.c,
 * which also measured its held-out accuracy against the cnn scene's
 * classifier at several training-set sizes; both come from assets/vit.safetensors.
 * Every number on screen is an element of a tensor computed here by the
 * kernel; drawing on the input (or picking a sample) reruns everything at
 * once (recompute_ms: about 0.2 ms).
 *
 * Beats: 1 patches, 2 patch embedding = conv stride 4, 3 class token and
 * position embedding (cosine maps), 4 one encoder block with its tensors,
 * 5 the class token's attention per head and the mean attention distance
 * against the cnn's receptive field, 6 attention rollout and the prediction,
 * 7 data hunger (the trainer's measurements), 8 Swin's windows, shifted
 * windows with the -100 mask, and the cost of global against windowed
 * attention.
 *
 * Dumps (every beat, PyTorch names and shapes): image [1,1,16,16], patches
 * [N,16], patch_embed.weight [D,1,4,4], patch_embed.bias [D], tokens
 * [1,N,D], cls_token [1,1,D], pos_embed [1,N+1,D], x0 [1,N+1,D];
 * blocks.L.{norm1,attn.in_proj_weight,attn.in_proj_bias,attn.out_proj,
 * norm2,mlp.0,mlp.2}.*, blocks.L.attn_weights [heads,N+1,N+1], blocks.L.out
 * [1,N+1,D]; norm.weight/bias, head.weight/bias, logits, probs [1,10];
 * rollout [N+1,N+1]; swin.x [1,N,D], swin.norm1.weight/bias,
 * swin.attn.in_proj_weight/bias, swin.attn.out_proj.weight/bias (block 0's),
 * swin.mask [nW,4,4], swin.attn [nW,heads,4,4]; and what the beats draw
 * besides: patch_embed.conv [1,D,4,4], pos_embed.cosine [N,4,4],
 * attn_distance [L,heads], swin.cost [K,3]. Params: patch, heads, layers,
 * gelu ("exact"), eps, swin.window, swin.shift (0 or 1: which windows the
 * swin.* tensors are of), layer, head (0-based), prediction.
 *
 * Preset keys:
 *   [input]  sample = 0..9
 *   [story]  layer = 1..3, head = 1..4 (what beats 4 and 5 follow),
 *            shifted = BOOL (beat 8's dump: shifted windows, the default, or plain)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kernel/conv.h"
#include "kernel/dump.h"
#include "kernel/safetensors.h"
#include "kernel/nn.h"
#include "scenes/cnn/cnn_model.h"
#include "scenes/cnn/cnn_strokes.h"
#include "scenes/vit/vit_scene.h"

const scene_beat vit_beats[B_COUNT] = {
    {"Cut into patches",
     "A vision transformer reads an image the way a language model reads words: the 16 \xc3\x97 16 digit "
     "is cut into sixteen 4 \xc3\x97 4 patches, and each patch is laid out as one row of 16 numbers.", 4.0f,
     "Draw on the input or pick a sample; hover a patch"},
    {"Patch embedding",
     "One linear layer turns each patch row into a token of 32 numbers. A 4 \xc3\x97 4 convolution with "
     "stride 4 computes exactly the same tokens: the difference is zero up to rounding.", 4.0f,
     "Hover a token for the patch it came from"},
    {"Class token and positions",
     "A learned class token goes in front, and a learned position embedding is added to every token, since "
     "attention by itself cannot tell where a patch was. Neighbouring patches learned somewhat more similar ones.",
     4.0f, "Hover a map to see one patch's similarities"},
    {"One encoder block",
     "Each block normalises the tokens, lets every token attend to every other, adds the result back, then "
     "normalises again and sends each token through a small MLP, adding that back too.", 5.0f,
     "Switch the layer; hover any tensor"},
    {"Global from layer 1",
     "From the first layer on, the class token may attend to any patch, and its heads look at distant parts "
     "of the digit: about half the image away, where a CNN's first layers see a few neighbouring pixels.",
     5.0f, "Switch layer and head; hover a patch"},
    {"Attention rollout",
     "Averaging each layer's heads, adding the residual path and multiplying the layers together shows "
     "which patches the class token finally draws on for its answer.", 4.0f, "Draw a digit and watch the rollout"},
    {"Data hunger",
     "A CNN builds in locality and shared filters; a ViT has to learn them from examples. With few training "
     "digits the CNN reads far better; the gap closes as the data grows.", 4.0f},
    {"Swin: shifted windows",
     "Swin lets each patch attend only inside a small window, so the cost grows with the image, not with its "
     "square. The next layer shifts the windows; a \xe2\x88\x92" "100 mask keeps apart the patches the cyclic "
     "shift wrapped together.", 5.0f, "Toggle shifted windows"},
};

static void vit_defaults(void *p) {
    vit_state *st = p;
    st->sample = 3;
    st->layer = 0;
    st->head = 0;
    st->shifted = true;
}

static bool vit_set(void *p, const char *sec, const char *key, const char *val, char *err, size_t n) {
    vit_state *st = p;
    int v;
    if (strcmp(sec, "input") == 0 && strcmp(key, "sample") == 0) return preset_int(key, val, 0, 9, &st->sample, err, n);
    if (strcmp(sec, "story") == 0) {
        if (strcmp(key, "layer") == 0) {
            if (!preset_int(key, val, 1, VIT_LAYERS, &v, err, n)) return false;
            st->layer = v - 1;
            return true;
        }
        if (strcmp(key, "head") == 0) {
            if (!preset_int(key, val, 1, VIT_HEADS, &v, err, n)) return false;
            st->head = v - 1;
            return true;
        }
        if (strcmp(key, "shifted") == 0) return preset_bool(key, val, &st->shifted, err, n);
    }
    return preset_unknown(sec, key, err, n);
}

/* patch centres' distance in pixels */
static float patch_dist(int i, int j) {
    float dr = (float)(i / VIT_GRID - j / VIT_GRID), dc = (float)(i % VIT_GRID - j % VIT_GRID);
    return VIT_P * sqrtf(dr * dr + dc * dc);
}

void vit_recompute(vit_state *st) {
    double t0 = scene_seconds();
    vit_acts *x = &st->x;
    vit_from28(x->image->data, st->canvas);
    vit_forward(&st->m, x);
    const int D = VIT_D, G = VIT_GRID, T = VIT_T, H = VIT_HEADS;
    /* the same tokens by convolution */
    ts_conv2d_desc cd = {.n = 1, .c_in = 1, .h = VIT_IMG, .w = VIT_IMG, .c_out = D, .kh = VIT_P, .kw = VIT_P,
                         .stride_h = VIT_P, .stride_w = VIT_P};
    ts_conv2d_forward(st->conv->data, x->image->data, st->m.patch_w->data, st->m.patch_b->data, &cd);
    st->diff_max = 0;
    for (int p = 0; p < VIT_N; p++)
        for (int k = 0; k < D; k++) {
            float cv = st->conv->data[k * VIT_N + p];
            st->conv_tok->data[p * D + k] = cv;
            st->diff->data[p * D + k] = x->tokens->data[p * D + k] - cv;
            st->diff_max = fmaxf(st->diff_max, fabsf(st->diff->data[p * D + k]));
        }
    /* attention: views, class token rows, mean distances */
    for (int l = 0; l < VIT_LAYERS; l++) {
        const ts_tensor *w = x->blocks[l]->attn[0]->weights;
        for (int h = 0; h < H; h++) {
            const float *wh = w->data + (size_t)h * T * T;
            for (int p = 0; p < VIT_N; p++) st->cls_attn->data[(l * H + h) * VIT_N + p] = wh[1 + p];
            double sum = 0;
            for (int i = 1; i < T; i++) {
                double z = 0, dsum = 0;
                for (int j = 1; j < T; j++) { z += wh[i * T + j]; dsum += wh[i * T + j] * patch_dist(i - 1, j - 1); }
                sum += z > 0 ? dsum / z : 0;
            }
            st->distance->data[l * H + h] = (float)(sum / VIT_N);
        }
    }
    /* rollout (Abnar and Zuidema): R = prod over layers of rownorm(mean_h A + I) */
    float cur[VIT_T * VIT_T], a[VIT_T * VIT_T], tmp[VIT_T * VIT_T];
    for (int l = 0; l < VIT_LAYERS; l++) {
        const float *w = x->blocks[l]->attn[0]->weights->data;
        for (int i = 0; i < T; i++) {
            double z = 0;
            for (int j = 0; j < T; j++) {
                double v = (i == j);
                for (int h = 0; h < H; h++) v += w[((size_t)h * T + i) * T + j] / H;
                a[i * T + j] = (float)v;
                z += v;
            }
            for (int j = 0; j < T; j++) a[i * T + j] = (float)(a[i * T + j] / z);
        }
        if (l == 0) memcpy(cur, a, sizeof cur);
        else {
            ts_matmul_forward(tmp, a, cur, T, T, T);
            memcpy(cur, tmp, sizeof cur);
        }
    }
    memcpy(st->rollout->data, cur, sizeof cur);
    for (int p = 0; p < VIT_N; p++) st->roll_cls->data[p] = cur[1 + p];
    for (int s = 0; s < 2; s++) vit_swin_forward(&st->swin[s], &st->m, x);
    st->pred = 0;
    for (int k = 1; k < VIT_CLASSES; k++)
        if (x->probs->data[k] > x->probs->data[st->pred]) st->pred = k;
    (void)G;
    st->recompute_ms = 1e3 * (scene_seconds() - t0);
    st->recomputes++;
}

/* The position embeddings' cosine similarity, patch against patch. */
static void pos_similarity(vit_state *st) {
    const float *pe = st->m.pos->data + VIT_D;   /* skip the class token's row */
    for (int i = 0; i < VIT_N; i++) {
        float sims[VIT_N];
        for (int j = 0; j < VIT_N; j++) ts_cosine_similarity(&sims[j], pe + i * VIT_D, pe + j * VIT_D, 1, VIT_D);
        memcpy(st->pos_sim->data + i * VIT_N, sims, sizeof sims);
    }
    /* neighbours (one step along a row or column) against every other pair */
    double near = 0, far = 0;
    int nn = 0, nf = 0;
    for (int i = 0; i < VIT_N; i++)
        for (int j = 0; j < VIT_N; j++) {
            if (i == j) continue;
            int steps = abs(i / VIT_GRID - j / VIT_GRID) + abs(i % VIT_GRID - j % VIT_GRID);
            if (steps == 1) { near += st->pos_sim->data[i * VIT_N + j]; nn++; }
            else { far += st->pos_sim->data[i * VIT_N + j]; nf++; }
        }
    st->sim_near = (float)(near / nn);
    st->sim_far = (float)(far / nf);
}

/* The global and windowed attention's score products for images of side S
 * pixels (patch 4, window 7 patches as Swin's): (S/4)^4 and (S/4)^2 * 49. */
static void costs(vit_state *st) {
    int K = st->cost->shape[0];
    for (int k = 0; k < K; k++) {
        double side = 16 << k, n = (side / VIT_P) * (side / VIT_P);
        st->cost->data[3 * k] = (float)side;
        st->cost->data[3 * k + 1] = (float)(n * n);
        st->cost->data[3 * k + 2] = (float)(n * 49);
    }
}

static bool vit_init(void *p, char *err, size_t n) {
    vit_state *st = p;
    char path[1200], e[200];
    snprintf(path, sizeof path, "%s/assets/vit.safetensors", scene_data_dir());
    ts_arena tmp = {0};
    ts_dump *d = ts_st_read(path, &tmp, e, sizeof e);
    if (!d) {
        snprintf(err, n, "%s (regenerate with ./build/train_vit assets/vit.safetensors)", e);
        ts_arena_free(&tmp);
        return false;
    }
    vit_model_new(&st->m, &st->arena);
    const ts_tensor *smp = ts_dump_find(d, "samples"), *hun = ts_dump_find(d, "hunger");
    bool ok = vit_model_from_dump(&st->m, d, e, sizeof e);
    if (ok && (!smp || ts_numel(smp) != 10 * 28 * 28)) { snprintf(e, sizeof e, "no samples [10,1,28,28]"); ok = false; }
    if (ok && (!hun || hun->ndim != 2 || hun->shape[1] != 3 || hun->shape[0] < 1 || hun->shape[0] > VIT_HUNGER_MAX)) {
        snprintf(e, sizeof e, "no hunger [K,3] table");
        ok = false;
    }
    if (!ok) {
        snprintf(err, n, "%s: %s", path, e);
        ts_arena_free(&tmp);
        ts_arena_free(&st->arena);
        return false;
    }
    st->samples = ts_new4(&st->arena, "samples", 10, 1, 28, 28);
    memcpy(st->samples->data, smp->data, sizeof(float) * 10 * 28 * 28);
    st->hunger = ts_new2(&st->arena, "hunger", hun->shape[0], 3);
    memcpy(st->hunger->data, hun->data, sizeof(float) * ts_numel(hun));
    double v;
    st->held_out = ts_dump_get_param(d, "held_out_accuracy", &v) ? (float)v : NAN;
    st->train_n = ts_dump_get_param(d, "train_samples", &v) ? (int)v : 0;
    ts_arena_free(&tmp);

    ts_arena *a = &st->arena;
    vit_acts_new(&st->x, a, 1, false);
    st->conv = ts_new4(a, "patch_embed.conv", 1, VIT_D, VIT_GRID, VIT_GRID);
    st->conv_tok = ts_new2(a, "conv.tokens", VIT_N, VIT_D);
    st->diff = ts_new2(a, "patch_embed.diff", VIT_N, VIT_D);
    st->pos_sim = ts_new3(a, "pos_embed.cosine", VIT_N, VIT_GRID, VIT_GRID);
    st->cls_attn = ts_new4(a, "cls_attention", VIT_LAYERS, VIT_HEADS, VIT_GRID, VIT_GRID);
    st->distance = ts_new2(a, "attn_distance", VIT_LAYERS, VIT_HEADS);
    st->rollout = ts_new2(a, "rollout", VIT_T, VIT_T);
    st->roll_cls = ts_new2(a, "rollout.cls", VIT_GRID, VIT_GRID);
    st->cost = ts_new2(a, "swin.cost", 6, 3);
    for (int l = 0; l < VIT_LAYERS; l++) {
        /* the batch's only sequence: its weights are the layer's [heads,T,T] */
        st->attn_w[l] = ts_arena_alloc(a, sizeof(ts_tensor));
        *st->attn_w[l] = *st->x.blocks[l]->attn[0]->weights;
        ts_tensor_set_name(st->attn_w[l], "blocks.%d.attn_weights", l);
    }
    vit_swin_new(&st->swin[0], a, 0);
    vit_swin_new(&st->swin[1], a, SW_SHIFT);
    /* the cnn's receptive field radius per layer, from its 28-px geometry to 16 px */
    const int layers[3] = {CNN_L_CONV1, CNN_L_CONV2, CNN_L_POOL2};
    for (int k = 0; k < 3; k++) {
        int r0, c0, size;
        cnn_receptive_field(layers[k], 14, 14, &r0, &c0, &size);
        st->cnn_reach[k] = 0.5f * (float)size * VIT_IMG / 28.0f;
    }
    pos_similarity(st);
    costs(st);
    memcpy(st->canvas, st->samples->data + (size_t)st->sample * 28 * 28, sizeof st->canvas);
    vit_recompute(st);
    return true;
}

static void vit_shutdown(void *p) { ts_arena_free(&((vit_state *)p)->arena); }

int vit_hover_patch(const vit_state *st) {
    int idx[TS_MAX_DIMS];
    const vit_acts *x = &st->x;
    if (dg_hovered_in(x->image, idx)) return (idx[2] / VIT_P) * VIT_GRID + idx[3] / VIT_P;
    if (dg_hovered_in(x->patches, idx) || dg_hovered_in(st->diff, idx) || dg_hovered_in(st->conv_tok, idx))
        return idx[0] < VIT_N ? idx[0] : -1;
    if (dg_hovered_in(x->tokens, idx)) return idx[1];
    if (dg_hovered_in(x->x0, idx) || dg_hovered_in(st->m.pos, idx)) return idx[1] >= 1 ? idx[1] - 1 : -1;
    if (dg_hovered_in(st->pos_sim, idx)) return idx[0];
    if (dg_hovered_in(st->cls_attn, idx)) return idx[2] * VIT_GRID + idx[3];
    if (dg_hovered_in(st->roll_cls, idx)) return idx[0] * VIT_GRID + idx[1];
    return -1;
}

/* ---- input: the soft brush on the 28x28 canvas, shown averaged to 16x16 ---- */

static bool brush(vit_state *st, const vit_lay *L, const ui_ctx *ui) {
    float cell = L->input.w / 28.0f;
    float mx = (ui->in.mouse_x - L->input.x) / cell, my = (ui->in.mouse_y - L->input.y) / cell;
    if (ui->in.mouse_pressed && ui_hover(ui, L->input.x, L->input.y, L->input.w, L->input.h)) {
        st->drawing = true;
        st->last_x = mx;
        st->last_y = my;
    }
    if (!st->drawing) return false;
    if (!ui->in.mouse_down && !ui->in.mouse_pressed) { st->drawing = false; return false; }
    cnn_brush_line(st->canvas, st->last_x, st->last_y, mx, my, CNN_BRUSH_SIGMA, CNN_BRUSH_INK);
    st->last_x = mx;
    st->last_y = my;
    if (ui->in.mouse_released) st->drawing = false;
    return true;
}

static void vit_update(void *p, const scene_clock *c, ui_ctx *ui) {
    vit_state *st = p;
    vit_lay L;
    vit_layout(c->beat, &L);
    bool changed = false;
    if (ui_button(ui, "clear", L.clear.x, L.clear.y, L.clear.w, L.clear.h)) {
        memset(st->canvas, 0, sizeof st->canvas);
        changed = true;
    }
    for (int k = 0; k < 10; k++) {
        char label[16];
        snprintf(label, sizeof label, "%d##sample", k);
        if (ui_button(ui, label, L.sample[k].x, L.sample[k].y, L.sample[k].w, L.sample[k].h)) {
            memcpy(st->canvas, st->samples->data + (size_t)k * 28 * 28, sizeof st->canvas);
            changed = true;
        }
    }
    if (c->beat == B_BLOCK || c->beat == B_HEADS)
        for (int l = 0; l < VIT_LAYERS; l++) {
            char label[24];
            snprintf(label, sizeof label, "layer %d", l + 1);
            if (ui_button(ui, label, L.layer_btn[l].x, L.layer_btn[l].y, L.layer_btn[l].w, L.layer_btn[l].h))
                st->layer = l;
        }
    if (c->beat == B_HEADS || c->beat == B_SWIN)
        for (int h = 0; h < VIT_HEADS; h++) {
            char label[24];
            snprintf(label, sizeof label, "head %d", h + 1);
            if (ui_button(ui, label, L.head_btn[h].x, L.head_btn[h].y, L.head_btn[h].w, L.head_btn[h].h))
                st->head = h;
        }
    if (c->beat == B_SWIN) ui_toggle(ui, "shifted windows", L.shift_toggle.x, L.shift_toggle.y, L.shift_toggle.w,
                                     &st->shifted);
    if (brush(st, &L, ui)) changed = true;
    if (changed) vit_recompute(st);
}

static void vit_draw(const void *p, const scene_clock *c, const ui_theme *th) {
    const vit_state *st = p;
    vit_lay L;
    vit_layout(c->beat, &L);
    vit_draw_input(st, &L, th);
    void (*beat[B_COUNT])(const vit_state *, const scene_clock *, dg_rect, const ui_theme *) = {
        vit_draw_patches, vit_draw_embed, vit_draw_pos, vit_draw_block,
        vit_draw_heads, vit_draw_rollout, vit_draw_hunger, vit_draw_swin};
    beat[c->beat](st, c, L.main, th);
}

/* t under another name (a block-0 weight as Swin's) */
static void dump_as(ts_dump *d, const ts_tensor *t, const char *name) {
    ts_tensor v = *t;
    snprintf(v.name, sizeof v.name, "%s", name);
    ts_dump_tensor(d, &v);
}

static void vit_dump(const void *p, const scene_clock *c, ts_dump *d) {
    (void)c;
    const vit_state *st = p;
    const vit_acts *x = &st->x;
    const vit_swin *sw = &st->swin[st->shifted ? 1 : 0];
    ts_dump_param(d, "patch", VIT_P);
    ts_dump_param(d, "heads", VIT_HEADS);
    ts_dump_param(d, "layers", VIT_LAYERS);
    ts_dump_param_str(d, "gelu", "exact");
    ts_dump_param(d, "eps", 1e-5);
    ts_dump_param(d, "swin.window", SW_M);
    ts_dump_param(d, "swin.shift", sw->shift);
    ts_dump_param(d, "layer", st->layer);
    ts_dump_param(d, "head", st->head);
    ts_dump_param(d, "prediction", st->pred);
    ts_dump_tensor(d, x->image);
    ts_tensor patches = *x->patches;   /* [N, P*P]: the batch of one dropped */
    patches.ndim = 2;
    patches.shape[0] = VIT_N;
    patches.shape[1] = VIT_PP;
    ts_dump_tensor(d, &patches);
    const ts_tensor *t[] = {st->m.patch_w, st->m.patch_b, x->tokens, st->m.cls, st->m.pos, x->x0};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) ts_dump_tensor(d, t[i]);
    for (int l = 0; l < VIT_LAYERS; l++) {
        for (int k = 0; k < VB_COUNT; k++) ts_dump_tensor(d, st->m.blk[l][k]);
        ts_dump_tensor(d, st->attn_w[l]);
        char name[TS_NAME_MAX];
        snprintf(name, sizeof name, "blocks.%d.out", l);
        dump_as(d, x->blocks[l]->out, name);
    }
    const ts_tensor *u[] = {st->m.norm_w, st->m.norm_b, st->m.head_w, st->m.head_b, x->logits, x->probs,
                            st->rollout, sw->x, sw->mask, sw->attn, st->conv, st->pos_sim, st->distance, st->cost};
    for (size_t i = 0; i < sizeof u / sizeof u[0]; i++) ts_dump_tensor(d, u[i]);
    const char *swin_names[] = {"swin.norm1.weight", "swin.norm1.bias", "swin.attn.in_proj_weight",
                                "swin.attn.in_proj_bias", "swin.attn.out_proj.weight", "swin.attn.out_proj.bias"};
    for (int k = 0; k < 6; k++) dump_as(d, st->m.blk[0][k], swin_names[k]);
}

static const ui_help_key vit_help[] = {
    {"drag on the input", "draw a digit; every patch, token and map follows"},
    {"clear  0..9", "buttons: clear the input, or load a rendered digit"},
    {"hover", "a patch, a token or a cell: its value and where it came from"},
    {"layer  head", "buttons (beats 4, 5 and 8): which layer and head to show"},
    {"shifted windows", "toggle (beat 8): plain or shifted Swin windows"},
};

const scene_kind scene_vit = {
    .name = "vit",
    .title = "Vision transformers",
    .group = "Vision",
    .summary = "An image is a sequence of patches; attention spans the whole digit from layer 1; Swin's windows.",
    .beats = vit_beats,
    .beat_count = B_COUNT,
    .state_size = sizeof(vit_state),
    .defaults = vit_defaults,
    .set = vit_set,
    .init = vit_init,
    .update = vit_update,
    .draw = vit_draw,
    .dump = vit_dump,
    .shutdown = vit_shutdown,
    .help = vit_help,
    .help_count = (int)(sizeof vit_help / sizeof vit_help[0]),
};
