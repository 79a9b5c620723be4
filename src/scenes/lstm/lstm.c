/* lstm.c: memory carried forward, gradients that vanish, and the gates that
 * fix it.
 *
 * Three recurrent cells (a vanilla RNN, an LSTM and a GRU; lstm_model.h)
 * were trained by tools/train_lstm.c to recall the first letter of a
 * sequence after a run of distractors. Every number on screen is an element
 * of a tensor computed by the kernel (rnn.h sequences, forward and
 * backpropagation through time): states, gates, pre-activations, the
 * readout and the gradient norms. Editing the sequence or clamping a gate
 * reruns all three cells at once.
 *
 * Beats: 1 the RNN steps through the sequence, 2 its gradient fading back
 * through time, 3 the LSTM cell as a block diagram with worked equations,
 * 4 the gates over time, 5 the LSTM's gradient beside the RNN's, 6 the GRU
 * and the parameter counts, 7 accuracy against length, 8 sequential versus
 * parallel.
 *
 * Preset keys and dump names: lstm_state.c.
 *
 * Keys: comma and period step the followed time step back and forward
 * (beats 1, 3, 4 and 6); widgets (interactive only) edit the sequence, its
 * length, and the forget and input clamps.
 */
#include <SDL.h>
#include <stdio.h>
#include <string.h>
#include "diagram/diagram.h"
#include "scenes/lstm/lstm_draw.h"
#include "scenes/lstm/lstm_scene.h"
#include "ui/ui.h"

const scene_beat lstm_beats[LB_COUNT] = {
    {"One step at a time",
     "A vanilla RNN reads one token per step and folds it into its hidden state. Eight numbers "
     "have to carry the first letter past every distractor that follows it.", 6.0f,
     "Comma and period step through time; type your own sequence at the top right", .motion = true},
    {"The gradient fades going back",
     "The loss is measured only at the last step. Backpropagation through time carries its gradient "
     "back step by step, and for the RNN it shrinks by orders of magnitude before it reaches the letter.",
     4.0f},
    {"The LSTM cell",
     "An LSTM adds a cell state that runs straight through each step. Gates between 0 and 1 decide what "
     "to erase (f), what to write (i \xc3\x97 g) and what to show (o).", 4.0f,
     "Comma and period step through time; the switches clamp the forget or the input gate"},
    {"Gates over time",
     "Each column is a step, each row one unit of a gate. The forget gate stays near 1 for the whole "
     "sequence, so what the first step wrote into the cell outlasts every distractor.", 6.0f,
     "Comma and period step through time"},
    {"A path that keeps the gradient",
     "Each curve is shown relative to its value at the last step. Along the LSTM's cell state the gradient "
     "is multiplied by the forget gate at each step instead of being squeezed through tanh and W_hh, so it "
     "still reaches the first letter.",
     4.0f},
    {"The GRU: two gates",
     "A GRU folds the cell into the hidden state and keeps two gates: reset r and update z. When z is "
     "near 1 the state passes through unchanged, with fewer weights than an LSTM.", 4.0f,
     "Comma and period step through time"},
    {"Accuracy against length",
     "Each cell trained from scratch at each length, three runs each. The vanilla RNN falls toward "
     "chance as the gap grows; the gated cells hold on far longer, the GRU all the way to 60.", 4.0f,
     "Drag the length slider to run the models trained at another length"},
    {"Sequential versus parallel",
     "A recurrence needs T steps one after another: step t waits for step t-1. Self-attention links "
     "all T positions in one step, so training runs over every position at once: why transformers won.", 4.0f},
};

/* ---- update: keys, widgets, hover ---------------------------------------------- */

static void step_keys(lstm_state *st, const scene_clock *c, ui_ctx *ui) {
    if (c->beat != LB_RNN_STEP && c->beat != LB_LSTM_CELL && c->beat != LB_GATES && c->beat != LB_GRU) return;
    bool fwd = ui_key(ui, SDLK_PERIOD), back = ui_key(ui, SDLK_COMMA);
    if (!fwd && !back) return;
    if (!st->stepped && (c->beat == LB_RNN_STEP || c->beat == LB_GATES))
        st->focus = lstm_draw_step(st, c);   /* continue from where the walk is */
    st->stepped = true;
    if (fwd && st->focus < st->T - 1) st->focus++;
    if (back && st->focus > 0) st->focus--;
}

static void widgets(lstm_state *st, ui_ctx *ui) {
    if (!ui->show_widgets) return;
    dg_rect field, slider, forget, input;
    lstm_widget_rects(&field, &slider, &forget, &input);
    char *text = st->edit;
    if (!st->edit_init) {
        lstm_sequence_text(st->in.ids, st->T, text, sizeof st->edit);
        st->edit_init = true;
    }
    if (ui_text_field(ui, "lstm.sequence", field.x, field.y, field.w, text, sizeof st->edit)) {
        int ids[LSTM_MAX_T], T;
        char err[160];
        if (lstm_parse_sequence(text, ids, &T, err, sizeof err)) lstm_set_sequence(st, ids, T);
        else ui_tooltipf(ui, "%s", err);
    }
    int len = st->T < 5 ? 5 : st->T;
    if (ui_slider_int(ui, "length", slider.x, slider.y, slider.w, &len, 5, LSTM_MAX_T) && len != st->T) {
        /* a new sequence of that length (seeded by the length), same letter */
        int ids[LSTM_MAX_T];
        ts_rng rng;
        ts_rng_seed(&rng, (uint64_t)st->seed * 1000 + (uint64_t)len);
        lstm_sample(&rng, len, ids);
        ids[0] = st->in.ids[0];
        lstm_set_sequence(st, ids, len);
        lstm_sequence_text(st->in.ids, st->T, text, sizeof st->edit);
    }
    bool f = st->clamp.on[1], i = st->clamp.on[0];
    if (ui_toggle(ui, "forget 0.2", forget.x, forget.y, forget.w, &f)) {
        st->clamp.on[1] = f;
        st->clamp.value[1] = 0.2f;
        lstm_recompute(st);
    }
    if (ui_toggle(ui, "input 0", input.x, input.y, input.w, &i)) {
        st->clamp.on[0] = i;
        st->clamp.value[0] = 0.0f;
        lstm_recompute(st);
    }
}

static void lstm_update(void *p, const scene_clock *c, ui_ctx *ui) {
    lstm_state *st = p;
    step_keys(st, c, ui);
    widgets(st, ui);
}

static const ui_help_key lstm_help[] = {
    {",  .", "step the highlighted time step back / forward (beats 2, 3, 4, 7)"},
    {"click the field", "type a sequence of letters; Enter runs it, Esc leaves"},
    {"length", "drag: a new sequence of that length, same first letter"},
    {"forget 0.2, input 0", "clamp a gate and watch the memory fail"},
    {"hover", "any gate, cell or gradient bar: its exact value and where it came from"},
};
const scene_kind scene_lstm = {
    .name = "lstm",
    .title = "Recurrent networks and LSTM gates",
    .group = "Sequences and attention",
    .summary = "An RNN forgets as its gradient vanishes; LSTM and GRU gates keep the memory.",
    .beats = lstm_beats,
    .beat_count = LB_COUNT,
    .state_size = sizeof(lstm_state),
    .defaults = lstm_scene_defaults,
    .set = lstm_scene_set,
    .init = lstm_scene_init,
    .update = lstm_update,
    .draw = lstm_draw,
    .dump = lstm_scene_dump,
    .shutdown = lstm_scene_shutdown,
    .help = lstm_help,
    .help_count = (int)(sizeof lstm_help / sizeof lstm_help[0]),
};
