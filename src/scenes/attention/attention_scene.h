/* attention_scene.h: the state of the attention scene and the layout shared
 * by its update (hit tests, tooltips) and draw (attention_draw.c).
 *
 * Layout is pure arithmetic on the state (no gfx calls), so `dump`, which
 * runs without a GL context, can use update too.
 */
#ifndef TS_ATTENTION_SCENE_H
#define TS_ATTENTION_SCENE_H

#include "scene/scene.h"
#include "scenes/attention/attention_model.h"
#include "ui/ui.h"

enum {
    B_TOKENS, B_POSENC, B_QKV, B_QUERY, B_OUTPUT, B_MATRIX, B_HEADS, B_CAUSAL, B_ORDER, B_COUNT
};

typedef struct attn_scene {
    /* settings (preset keys and widgets) */
    int model;                      /* ATTN_READABLE or ATTN_TRAINED */
    char sentence[256], compare[256];
    int query;                      /* 0-based; -1: the default (first pronoun) */
    int head;                       /* 0-based */
    bool scaled, causal, pe;
    float temperature;
    /* the model and what it computed */
    attn_model m;
    ts_arena arena;                 /* runs; reset on every recompute */
    int T, ids[ATTN_MAX_T];
    char tok[ATTN_MAX_T][ATTN_WORD_MAX];
    int Tb, ids_b[ATTN_MAX_T], perm[ATTN_MAX_T];   /* beat 9: B[i] = A[perm[i]] */
    char tok_b[ATTN_MAX_T][ATTN_WORD_MAX];
    attn_run enc, dec;              /* no mask / causal, other settings as chosen */
    attn_run ord_a, ord_b, ord_a_pe, ord_b_pe;     /* beat 9, no mask */
    float order_diff, order_diff_pe;               /* max |out_a[perm] - out_b| */
    int correct_enc, correct_dec;   /* trained: reversed positions right */
    float x_abs, out_abs;                          /* colormap ranges */
    float q_abs[ATTN_MAX_HEADS], k_abs[ATTN_MAX_HEADS], v_abs[ATTN_MAX_HEADS], s_abs[ATTN_MAX_HEADS];
    double recompute_ms;
    /* interaction */
    char edit[256];
    char msg[448];                  /* the last input error, shown under the sentence */
    int hover_panel, hover_r, hover_c;             /* -1: nothing hovered */
} attn_scene;

/* A heatmap on screen: what it shows and where. */
enum {
    P_X, P_PE, P_XIN, P_Q, P_K, P_V, P_SCORES, P_WEIGHTS, P_OUT,
    P_W_ENC, P_W_DEC, P_ORD_A, P_ORD_B, P_KEYS, P_QVEC, P_VALS, P_HEADOUT
};
typedef struct attn_panel {
    int kind, head;
    float x, y, w, h;
    int rows, cols;
} attn_panel;
#define ATTN_MAX_PANELS 8

/* The heatmaps of beat b (0-based); returns how many. */
int attn_layout(const attn_scene *st, int beat, attn_panel *p);
/* The token strip: box k of the sentence. */
void attn_token_box(const attn_scene *st, int k, float *x, float *y, float *w, float *h);
const attn_run *attn_main(const attn_scene *st);
/* The values a panel shows: rows x cols floats, row-major. */
const float *attn_panel_data(const attn_scene *st, const attn_panel *p);
/* Strongest key of query t in head h of run r. */
int attn_argmax_key(const attn_run *r, int h, int t);

/* The colour range (±limit) of Q (which 0), K (1) or V (2) of a head: each
 * its own, the largest |value| of that head's projection. */
float attn_qkv_limit(const attn_scene *st, int which, int head);
/* The scores matrix's headline, true to the settings: "scores = q·k × 1/√dₖ",
 * with "÷ τ (τ = 2.5)" when the temperature is not 1. */
void attn_scores_title(const attn_scene *st, char *buf, size_t n);
/* Where the query lands in run r (head st->head): the strongest key, or both
 * when the top two weights tie (within 0.02); trained: the reversed digits
 * and how many are right. */
void attn_verdict(const attn_scene *st, const attn_run *r, int correct, char *buf, size_t n);

void attn_scene_draw(const void *st, const scene_clock *c, const ui_theme *th);

#define ATTN_TOP 96.0f        /* token strip */
#define ATTN_MAIN_Y 230.0f    /* main area: ATTN_MAIN_Y .. ATTN_MAIN_B */
#define ATTN_MAIN_B 840.0f
#define ATTN_CTRL_Y 862.0f    /* widget strip */

#endif
