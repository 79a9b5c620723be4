/* lstm_state.c: the lstm scene's preset keys, init, recompute and dump.
 *
 * Preset keys (all optional):
 *   [sequence] text = B 3 1 4 ?    the tokens (A-D, 0-4, ?; the first a letter)
 *              length = 5..60      a random task sequence of this length ...
 *              seed = 0..1000000   ... drawn with this seed (text excludes both)
 *   [clamp]    input = 0..1, forget = 0..1, cell = -1..1, output = 0..1
 *              fixes that LSTM gate at every unit and step (a "what if")
 *   [story]    step = 1..T         the time step the LSTM cell beat shows
 *
 * Models: assets/lstm-memory.safetensors (tools/train_lstm.c); a sequence of length
 * T runs the models trained at the table length nearest T.
 *
 * Dump (beat K shows the cells of lstm_beat_cells): "input" [T,1,10],
 * "target" [1]; per cell shown, P = "rnn." / "lstm." / "gru.": P weight_ih_l0,
 * P weight_hh_l0, P bias_ih_l0, P bias_hh_l0, P h0 [1,1,H], P c0, P h [T,H],
 * P c [T,H], P gates.<i f g o | r z n> [T,H], P preact.<gate> (RNN: P preact)
 * [T,H], P hn [T,H] (GRU), P head.weight [4,H], P head.bias [4], P logits,
 * P probs [1,4]; where the beat shows gradients P loss [1], P grad_h [T,H],
 * P grad_h_norm [T], P grad_h_rel [T] (the norm over its value at step T)
 * (and lstm.grad_c [T,H], lstm.grad_c_norm [T]: dL/dc_t, lstm.grad_c_rel [T]);
 * the accuracy beat adds accuracy.length and P accuracy.
 * Params: T, model_length, P prediction, P parameters, and for each clamped
 * LSTM gate lstm.clamp.<gate> = value (with lstm.unclamped_prediction).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "scenes/lstm/lstm_scene.h"

static const char *const clamp_keys[4] = {"input", "forget", "cell", "output"};

void lstm_scene_defaults(void *p) {
    lstm_state *st = p;
    st->length = LSTM_DEFAULT_T;
    st->seed = 10;   /* as scenes/lstm.scene */
    st->focus = -1;
}

bool lstm_scene_set(void *p, const char *sec, const char *key, const char *val,
                    char *err, size_t n) {
    lstm_state *st = p;
    if (strcmp(sec, "sequence") == 0) {
        if (strcmp(key, "text") == 0) {
            int ids[LSTM_MAX_T], T;
            if (!lstm_parse_sequence(val, ids, &T, err, n)) return false;
            snprintf(st->text, sizeof st->text, "%s", val);
            return true;
        }
        if (strcmp(key, "length") == 0) {
            st->length_set = true;
            return preset_int(key, val, 5, LSTM_MAX_T, &st->length, err, n);
        }
        if (strcmp(key, "seed") == 0) {
            st->seed_set = true;
            return preset_int(key, val, 0, 1000000, &st->seed, err, n);
        }
    } else if (strcmp(sec, "clamp") == 0) {
        for (int k = 0; k < 4; k++)
            if (strcmp(key, clamp_keys[k]) == 0) {
                float lo = k == 2 ? -1.0f : 0.0f;   /* g is a tanh, the others sigmoids */
                st->clamp.on[k] = true;
                return preset_float(key, val, lo, 1.0f, &st->clamp.value[k], err, n);
            }
    } else if (strcmp(sec, "story") == 0) {
        if (strcmp(key, "step") == 0) {
            int s;
            if (!preset_int(key, val, 1, LSTM_MAX_T, &s, err, n)) return false;
            st->focus = s - 1;
            return true;
        }
    }
    return preset_unknown(sec, key, err, n);
}

/* v = t [T,H] seen as [H,T]: the same data with the strides swapped. */
static void transpose_view(ts_tensor *v, const ts_tensor *t) {
    *v = *t;
    v->shape[0] = t->shape[1];
    v->shape[1] = t->shape[0];
    v->stride[0] = t->stride[1];
    v->stride[1] = t->stride[0];
    ts_tensor_set_name(v, "%s.T", t->name);
}

void lstm_recompute(lstm_state *st) {
    double t0 = scene_seconds();
    int ids[LSTM_MAX_T], T = st->T;
    memcpy(ids, st->in.ids, sizeof(int) * (size_t)T);
    ts_arena_reset(&st->arena);
    lstm_input_make(&st->in, &st->arena, ids, T);
    st->li = lstm_models_nearest(&st->m, T);
    st->clamped = false;
    for (int k = 0; k < 4; k++) st->clamped |= st->clamp.on[k];
    for (int k = 0; k < LSTM_CELLS; k++) {
        const lstm_cell_weights *w = &st->m.cell[st->li][k];
        lstm_run *r = &st->run[k];
        lstm_run_forward(r, &st->arena, w, &st->in, k == LSTM_CELL_LSTM ? &st->clamp : NULL);
        lstm_run_backward(r, &st->arena, w, &st->in, NULL, 1.0f);
        st->params[k] = lstm_cell_param_count(w);
    }
    st->param_t = ts_new1(&st->arena, "parameters", LSTM_CELLS);
    int order[LSTM_CELLS] = {LSTM_CELL_RNN, LSTM_CELL_GRU, LSTM_CELL_LSTM};
    for (int i = 0; i < LSTM_CELLS; i++) st->param_t->data[i] = (float)st->params[order[i]];
    for (int k = 0; k < LSTM_CELLS; k++) {
        transpose_view(&st->hT[k], st->run[k].h);
        for (int g = 0; g < 4; g++)
            if (st->run[k].gate[g]) transpose_view(&st->gT[k][g], st->run[k].gate[g]);
    }
    transpose_view(&st->cT, st->run[LSTM_CELL_LSTM].c);
    if (st->clamped) {
        const lstm_cell_weights *w = &st->m.cell[st->li][LSTM_CELL_LSTM];
        lstm_run_forward(&st->lstm_free, &st->arena, w, &st->in, NULL);
    } else {
        st->lstm_free = st->run[LSTM_CELL_LSTM];
    }
    st->recompute_ms = 1e3 * (scene_seconds() - t0);
    st->recomputes++;
}

void lstm_set_sequence(lstm_state *st, const int *ids, int T) {
    memcpy(st->in.ids, ids, sizeof(int) * (size_t)T);
    st->T = T;
    if (st->focus >= T) st->focus = T - 1;
    lstm_recompute(st);
}

bool lstm_scene_init(void *p, char *err, size_t n) {
    lstm_state *st = p;
    int ids[LSTM_MAX_T], T;
    if (st->text[0] && (st->length_set || st->seed_set)) {
        preset_error_key("sequence", st->length_set ? "length" : "seed");
        snprintf(err, n, "give either text or length and seed, not both");
        return false;
    }
    if (st->text[0]) {
        if (!lstm_parse_sequence(st->text, ids, &T, err, n)) return false;
    } else {
        ts_rng rng;
        ts_rng_seed(&rng, (uint64_t)st->seed);
        T = st->length;
        lstm_sample(&rng, T, ids);
    }
    if (st->focus >= T) {
        preset_error_key("story", "step");
        snprintf(err, n, "step must be 1..%d (the sequence's length), got %d", T, st->focus + 1);
        return false;
    }
    char path[1200];
    snprintf(path, sizeof path, "%s/assets/lstm-memory.safetensors", scene_data_dir());
    if (!lstm_models_load(&st->m, path, err, n)) {
        size_t used = strlen(err);
        snprintf(err + used, n - used, " (regenerate with ./build/train_lstm assets/lstm-memory.safetensors)");
        return false;
    }
    if (st->focus < 0) st->focus = 0;
    memcpy(st->in.ids, ids, sizeof(int) * (size_t)T);
    st->T = T;
    lstm_recompute(st);
    return true;
}

void lstm_scene_shutdown(void *p) {
    lstm_state *st = p;
    ts_arena_free(&st->arena);
    lstm_models_free(&st->m);
}

unsigned lstm_beat_cells(int beat, bool *grads) {
    static const unsigned cells[LB_COUNT] = {
        [LB_RNN_STEP] = 1u << LSTM_CELL_RNN, [LB_UNROLL] = 1u << LSTM_CELL_RNN,
        [LB_LSTM_CELL] = 1u << LSTM_CELL_LSTM, [LB_GATES] = 1u << LSTM_CELL_LSTM,
        [LB_COMPARE] = (1u << LSTM_CELL_RNN) | (1u << LSTM_CELL_LSTM),
        [LB_GRU] = 1u << LSTM_CELL_GRU, [LB_ACCURACY] = 7u, [LB_PARALLEL] = 1u << LSTM_CELL_RNN};
    if (grads) *grads = beat == LB_UNROLL || beat == LB_COMPARE;
    return beat >= 0 && beat < LB_COUNT ? cells[beat] : 0;
}

static void dump_cell(const lstm_state *st, int k, bool grads, ts_dump *d) {
    const lstm_cell_weights *w = &st->m.cell[st->li][k];
    const lstm_run *r = &st->run[k];
    const ts_tensor *t[] = {w->w_ih, w->w_hh, w->b_ih, w->b_hh, r->h0, r->c0, r->h, r->c,
                            r->gate[0], r->gate[1], r->gate[2], r->gate[3],
                            r->preact[0], r->preact[1], r->preact[2], r->preact[3], r->hn,
                            w->head_w, w->head_b, r->logits, r->probs};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (t[i]) ts_dump_tensor(d, t[i]);
    if (grads) {
        ts_dump_tensor(d, r->loss);
        ts_dump_tensor(d, r->grad_h);
        ts_dump_tensor(d, r->grad_h_norm);
        ts_dump_tensor(d, r->grad_h_rel);
        if (r->grad_c) {
            ts_dump_tensor(d, r->grad_c);
            ts_dump_tensor(d, r->grad_c_norm);
            ts_dump_tensor(d, r->grad_c_rel);
        }
    }
    char name[64];
    snprintf(name, sizeof name, "%s.prediction", lstm_cell_prefix(k));
    ts_dump_param(d, name, r->pred);
}

void lstm_scene_dump(const void *p, const scene_clock *c, ts_dump *d) {
    const lstm_state *st = p;
    bool grads;
    unsigned cells = lstm_beat_cells(c->beat, &grads);
    char name[64];
    ts_dump_param(d, "T", st->T);
    ts_dump_param(d, "model_length", st->m.cell[st->li][0].length);
    for (int k = 0; k < LSTM_CELLS; k++) {
        snprintf(name, sizeof name, "%s.parameters", lstm_cell_prefix(k));
        ts_dump_param(d, name, st->params[k]);
    }
    if (cells & (1u << LSTM_CELL_LSTM))
        for (int g = 0; g < 4; g++)
            if (st->clamp.on[g]) {
                snprintf(name, sizeof name, "lstm.clamp.%s", lstm_gate_name(LSTM_CELL_LSTM, g));
                ts_dump_param(d, name, st->clamp.value[g]);
            }
    if ((cells & (1u << LSTM_CELL_LSTM)) && st->clamped)
        ts_dump_param(d, "lstm.unclamped_prediction", st->lstm_free.pred);
    char text[LSTM_MAX_T * 3];
    lstm_sequence_text(st->in.ids, st->T, text, sizeof text);
    ts_dump_param_str(d, "sequence", text);
    ts_dump_tensor(d, st->in.input);
    ts_dump_tensor(d, st->in.target_t);
    for (int k = 0; k < LSTM_CELLS; k++)
        if (cells & (1u << k)) dump_cell(st, k, grads, d);
    if (c->beat == LB_ACCURACY) {
        ts_dump_tensor(d, st->m.lengths);
        for (int k = 0; k < LSTM_CELLS; k++) ts_dump_tensor(d, st->m.accuracy[k]);
    }
}
