/* attention_scene.h: the state of the attention scene, the frame layout
 * shared by its update (clicks on the sentence, the control strip) and its
 * draw (attention_draw.c), and the provenance lines of its tensors
 * (attention_explain.c).
 *
 * The frame layout is pure arithmetic on the state and the canvas size (no
 * gfx calls), so `dump`, which runs without a GL context, can run update.
 * Everything else on screen is laid out by the diagram library in draw.
 */
#ifndef TS_ATTENTION_SCENE_H
#define TS_ATTENTION_SCENE_H

#include "diagram/diagram.h"
#include "scene/scene.h"
#include "scenes/attention/attention_model.h"
#include "ui/ui.h"

#define ATTN_MSG_MAX 2048          /* an unknown word's message lists every known word */

enum {
    B_TOKENS, B_POSENC, B_QKV, B_QUERY, B_OUTPUT, B_MATRIX, B_HEADS, B_CAUSAL, B_ORDER, B_CROSS, B_COUNT
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
    /* beat 5: the selected head alone written back into the stream */
    ts_tensor *head_out;            /* "head_out" [T,d]: head's concat columns · its W_o columns */
    ts_tensor *resid;               /* "residual" [T,d] = x_in + head_out */
    ts_tensor *cos_before;          /* "cos.x_in" [T]: cos(x_in[query], x_in[s]) */
    ts_tensor *cos_after;           /* "cos.residual" [T]: cos(residual[query], x_in[s]) */
    float resid_abs;
    /* beat 10 (attention_cross.c): the sentence split into an encoder part
     * and a decoder part; cross-attention from the decoder into the encoder */
    int Te, Td;                     /* words in each part */
    attn_run cross_enc, cross_dec;  /* each part alone through the model (decoder causal) */
    ts_mha *cross;                  /* over [decoder; encoder], decoder keys padded; NULL: no decoder */
    ts_tensor *cross_q, *cross_k, *cross_v, *cross_w, *cross_out;
    int cross_query;                /* in the decoder, 0-based */
    const char *enc_l[ATTN_MAX_T], *dec_l[ATTN_MAX_T];
    float x_abs, out_abs;                          /* colormap ranges */
    float q_abs[ATTN_MAX_HEADS], k_abs[ATTN_MAX_HEADS], v_abs[ATTN_MAX_HEADS], s_abs[ATTN_MAX_HEADS];
    double recompute_ms;
    /* labels for the diagram elements (pointers into the arrays above) */
    const char *tok_l[ATTN_MAX_T], *tok_b_l[ATTN_MAX_T];
    const char *dim_l[ATTN_D], *q_l[ATTN_D], *k_l[ATTN_D], *v_l[ATTN_D];
    /* interaction */
    char edit[256];
    char msg[ATTN_MSG_MAX];         /* the last input error, shown under the sentence */
} attn_scene;

/* The parts of a frame: the header, the sentence, an error line, the beat's
 * stage and, in the window, the control strip. */
typedef struct attn_frame {
    dg_rect header, tokens, msg, stage, controls;
    dg_rect tok[ATTN_MAX_T];        /* one box per token of the sentence */
} attn_frame;

void attn_frame_layout(const attn_scene *st, attn_frame *f);
/* Boxes for the words of a sentence in one strip: widths by word length,
 * shrunk together to fit, centred. */
void attn_word_boxes(const char (*tok)[ATTN_WORD_MAX], int T, dg_rect strip, dg_rect *out);

const attn_run *attn_main(const attn_scene *st);
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

/* Provenance of the elements of one tensor the scene shows: the user
 * pointer of a dg_src whose explain is attn_explain. It lives on draw's
 * stack (the library calls explain while the element draws). */
enum {
    W_X, W_PE, W_XIN, W_Q, W_K, W_V, W_SCORES, W_WEIGHTS, W_CONCAT, W_OUT, W_ORDER_A, W_ORDER_B,
    W_EMBED, W_CTX, W_HEAD_OUT, W_RESID, W_CROSS
};
typedef struct attn_why {
    const attn_scene *st;
    const attn_run *r;             /* the run the tensor belongs to */
    int what;                      /* W_* */
} attn_why;
/* One or two lines: "= x 0.97 + pe -0.14", "q·k = 8.84 × 0.5 = 4.42". */
void attn_explain(const void *why, const int *idx, char *buf, size_t n);
/* Names every shown tensor as the dump does ("Q", "weights", and
 * "weights.causal" for the run that is not the main one, "order.out_a"), so
 * tooltips and dumps say the same. Called after every recompute. */
void attn_name_runs(attn_scene *st);

void attn_scene_draw(const void *st, const scene_clock *c, const ui_theme *th);
/* attention_cross.c: beat 10, computed after the main runs (recompute),
 * dumped at beat 10, drawn into the stage with appearance a (0..1). */
void attn_cross_compute(attn_scene *st);
void attn_cross_dump(const attn_scene *st, ts_dump *d);
void attn_cross_draw(const attn_scene *st, float a, dg_rect s, const ui_theme *th);

#endif
