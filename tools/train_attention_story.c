/* train_attention_story.c: trains the attention scene's story model on the
 * Winograd-style sentences of src/scenes/attention/attention_corpus.c and
 * writes its weights, the names its probe gives the feature columns and
 * its accuracies.
 *
 *   ./build/train_attention_story assets/attention-story.safetensors [--force]
 *
 * Model (attention_model.h): embedding [V, 16] (12 learned columns, 4 of
 * position), layer 0 (2 heads) on embed + pe, then the scene's layer (4
 * heads of d_k = 4) on x + pe, x = embed + layer0. Every weight starts
 * random (seed 1) and is trained with Adam through the kernel's
 * ts_mha_forward / ts_mha_backward_weights. The loss is read off the
 * attention weights themselves:
 *   head 1 "which noun?": cross-entropy of the row of "it" against the
 *     referent the corpus labels (weight 1);
 *   head 2 "previous word", head 3 "next word": every row against the
 *     word before / after it (weight 0.2 each, averaged over the rows);
 *   head 4 "noun to verb": the rows of the two nouns against the verb
 *     (weight 0.2);
 * plus a small copy term on the output (weight 0.05): the output of "it"
 * should equal the vector x of its referent (squared error, target held
 * fixed), so the values carry the noun to the pronoun.
 * Unseen nouns: with probability 0.25 a noun of a training sentence is
 * shown as a fresh random vector (the distribution a word's vector starts
 * from) instead of its row, so the model cannot lean on which noun it is;
 * the held-out nouns never occur in training and keep their random start.
 *
 * Fixed seeds (weights 1, sentences 2, unseen-noun draws 3, held-out
 * sentences 5 and 6, probe 7). Prints the accuracy per epoch (held-out
 * nouns, 500 sentences) and at the end on the training sentences, 2000
 * held-out-noun and 2000 held-out-order sentences; stores them in the
 * file. Exit 1 if any is below 95%. Refuses to overwrite without --force.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "app/app.h"
#include "kernel/dump.h"
#include "kernel/nn.h"
#include "kernel/train.h"
#include "scenes/attention/attention_story.h"

#define N_TRAIN 6000
#define N_HELD 2000
#define EPOCHS 20
#define BATCH 32
#define LR 0.005f
#define UNSEEN_RATE 0.25f
#define W_REF 1.0f
#define W_POS 0.2f
#define W_VERB 0.2f
#define W_COPY 0.05f
#define W_ROLE 0.5f
#define SEED_WEIGHTS 1
#define SEED_DATA 2
#define SEED_UNSEEN 3
#define SEED_NOUNS 5
#define SEED_ORDERS 6
#define SEED_PROBE 7
#define NP 9

typedef struct trainer {
    attn_model m;
    ts_tensor p[NP];
    attn_sentence s[N_TRAIN];
    int ids[N_TRAIN][ATTN_MAX_T];
    ts_rng unseen;
    ts_arena scratch;
} trainer;

static void view(ts_tensor *t, const char *name, float *data, int r, int c) {
    memset(t, 0, sizeof *t);
    snprintf(t->name, sizeof t->name, "%s", name);
    t->ndim = 2;
    t->shape[0] = r; t->shape[1] = c;
    t->stride[0] = c; t->stride[1] = 1;
    t->data = data;
}

/* -log w[target] of one row, and its gradient (scaled by k) into dw. */
static float ce_row(float *dw, const float *w, int target, float k) {
    float p = fmaxf(w[target], 1e-30f);
    dw[target] += -k / p;
    return -logf(p) * k;
}

static float step(void *user, const int *idx, int n) {
    trainer *tr = user;
    attn_model *m = &tr->m;
    int D = m->d, H = m->heads;
    float loss = 0;
    for (int b = 0; b < n; b++) {
        ts_arena_reset(&tr->scratch);
        const attn_sentence *s = &tr->s[idx[b]];
        const int *ids = tr->ids[idx[b]];
        int T = s->T;
        float rows[ATTN_MAX_T * ATTN_D];
        bool unseen[ATTN_MAX_T] = {0};
        ts_embedding_forward(rows, ids, m->embed, T, m->vocab, D);
        int nouns[2] = {s->x, s->y};
        for (int i = 0; i < 2; i++)
            if (ts_rng_uniform(&tr->unseen) < UNSEEN_RATE) {
                unseen[nouns[i]] = true;
                for (int c = 0; c < ATTN_FEATURES; c++)
                    rows[nouns[i] * D + c] = ATTN_STORY_EMBED_STD * ts_rng_normal(&tr->unseen);
            }
        attn_run r;
        attn_run_forward(&r, &tr->scratch, m, ids, T, &(attn_opts){.pe = true, .scaled = true, .rows = rows});
        size_t TT = (size_t)T * T;
        float *dw = ts_arena_alloc(&tr->scratch, sizeof(float) * (size_t)H * TT);
        float *dout = ts_arena_alloc(&tr->scratch, sizeof(float) * (size_t)T * D);
        float *dx = ts_arena_alloc(&tr->scratch, sizeof(float) * (size_t)T * D);
        float *dl0 = ts_arena_alloc(&tr->scratch, sizeof(float) * (size_t)T * D);
        memset(dw, 0, sizeof(float) * (size_t)H * TT);
        memset(dout, 0, sizeof(float) * (size_t)T * D);
        memset(dx, 0, sizeof(float) * (size_t)T * D);
        memset(dl0, 0, sizeof(float) * (size_t)T * D);
        const float *w = r.mha->weights->data;
        float k = 1.0f / (float)n;
        /* head 1: "it" -> its referent */
        loss += ce_row(dw + (size_t)s->it * T, w + (size_t)s->it * T, s->referent, W_REF * k);
        /* heads 2 and 3: the previous and the next word */
        for (int t = 1; t < T; t++)
            loss += ce_row(dw + TT + (size_t)t * T, w + TT + (size_t)t * T, t - 1, W_POS * k / (float)(T - 1));
        for (int t = 0; t + 1 < T; t++)
            loss += ce_row(dw + 2 * TT + (size_t)t * T, w + 2 * TT + (size_t)t * T, t + 1, W_POS * k / (float)(T - 1));
        /* head 4: each noun -> the verb */
        for (int i = 0; i < 2; i++)
            loss += ce_row(dw + 3 * TT + (size_t)nouns[i] * T, w + 3 * TT + (size_t)nouns[i] * T, s->verb,
                           W_VERB * k / 2);
        /* the copy term: out["it"] against x[referent] */
        for (int c = 0; c < D; c++) {
            float e = r.mha->out->data[s->it * D + c] - r.x->data[s->referent * D + c];
            loss += W_COPY * k * e * e / (float)D;
            dout[s->it * D + c] = 2 * W_COPY * k * e / (float)D;
        }
        ts_mha_backward_weights(r.mha, dx,
                                &(ts_mha_grads){.wq = tr->p[5].grad, .wk = tr->p[6].grad,
                                                .wv = tr->p[7].grad, .wo = tr->p[8].grad},
                                dout, dw, r.x_in->data,
                                &(ts_mha_weights){.wq = m->wq, .wk = m->wk, .wv = m->wv, .wo = m->wo});
        /* the two role columns of x: "mover" on the nouns (+1 the thing
         * that moves, -1 the one that should take it), "wants mover" on "it"
         * (+1 when the adjective points at the mover) */
        float want[3] = {1, -1, s->adj_x ? 1.0f : -1.0f};
        int at[3] = {s->x, s->y, s->it}, col[3] = {ATTN_COL_MOVER, ATTN_COL_MOVER, ATTN_COL_WANTS_MOVER};
        for (int i = 0; i < 3; i++) {
            float e = r.x->data[at[i] * D + col[i]] - want[i];
            loss += W_ROLE * k * e * e / 3;
            dx[at[i] * D + col[i]] += 2 * W_ROLE * k * e / 3;
        }
        /* x = embed + layer0(embed + pe): dx reaches the embedding twice */
        ts_mha_backward(r.layer0, dl0,
                        &(ts_mha_grads){.wq = tr->p[1].grad, .wk = tr->p[2].grad,
                                        .wv = tr->p[3].grad, .wo = tr->p[4].grad},
                        dx, r.l0_in->data,
                        &(ts_mha_weights){.wq = m->cq, .wk = m->ck, .wv = m->cv, .wo = m->co});
        for (int t = 0; t < T; t++)
            for (int c = 0; c < D; c++) {
                float g = unseen[t] ? 0 : dx[t * D + c] + dl0[t * D + c];
                dx[t * D + c] = g;
            }
        ts_embedding_backward(tr->p[0].grad, dx, ids, T, m->vocab, D);
    }
    /* what is not a parameter gets no gradient (Adam then leaves it at 0) */
    for (int v = 0; v < m->vocab; v++)
        for (int c = ATTN_FEATURES; c < D; c++) tr->p[0].grad[v * D + c] = 0;
    for (int o = ATTN_FEATURES; o < D; o++)
        for (int c = 0; c < D; c++) tr->p[4].grad[o * D + c] = 0;
    return loss;
}

static float held_out(void *user) {
    return attn_story_accuracy(&((trainer *)user)->m, ATTN_SPLIT_NOUNS, 500, SEED_NOUNS + 100);
}

static void on_epoch(void *user, int epoch, float loss, float metric) {
    (void)user;
    printf("epoch %3d  loss %.4f  held-out nouns %.4f\n", epoch + 1, loss, metric);
    fflush(stdout);
}

int main(int argc, char **argv) {
    const char *out = NULL;
    bool force = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--force") == 0) force = true;
        else if (!out && argv[i][0] != '-') out = argv[i];
        else { fprintf(stderr, "usage: train_attention_story OUT.safetensors [--force]\n"); return 2; }
    }
    if (!out) { fprintf(stderr, "usage: train_attention_story OUT.safetensors [--force]\n"); return 2; }
    char err[512];
    if (!app_output_ok(out, force, err, sizeof err)) { fprintf(stderr, "train_attention_story: %s\n", err); return 2; }

    trainer *tr = calloc(1, sizeof *tr);
    if (!tr) { fprintf(stderr, "train_attention_story: out of memory\n"); return 1; }
    ts_rng rng;
    ts_rng_seed(&rng, SEED_WEIGHTS);
    attn_model_story_init(&tr->m, &rng);
    attn_model *m = &tr->m;
    int D = m->d;
    view(&tr->p[0], "embed.weight", m->embed, m->vocab, D);
    float *w[8] = {m->cq, m->ck, m->cv, m->co, m->wq, m->wk, m->wv, m->wo};
    static const char *const wn[8] = {"layer0.W_q", "layer0.W_k", "layer0.W_v", "layer0.W_o",
                                      "W_q", "W_k", "W_v", "W_o"};
    for (int i = 0; i < 8; i++) view(&tr->p[1 + i], wn[i], w[i], D, D);
    ts_rng_seed(&rng, SEED_DATA);
    for (int i = 0; i < N_TRAIN; i++) {
        attn_corpus_sample(&tr->s[i], ATTN_SPLIT_TRAIN, &rng);
        if (attn_story_ids(m, &tr->s[i], tr->ids[i]) >= 0) { fprintf(stderr, "corpus word missing\n"); return 1; }
    }
    ts_rng_seed(&tr->unseen, SEED_UNSEEN);

    ts_arena arena = {0};
    ts_tensor *params[NP];
    for (int i = 0; i < NP; i++) params[i] = &tr->p[i];
    ts_train_stats st = ts_train(&arena, &(ts_train_desc){
        .params = params, .nparams = NP, .n_samples = N_TRAIN,
        .optim = {.kind = TS_OPTIM_ADAM, .lr = LR},
        .epochs = EPOCHS, .batch_size = BATCH, .seed = SEED_DATA,
        .step = step, .eval = held_out, .on_epoch = on_epoch, .user = tr});
    attn_story_mask(m);
    m->acc_train = attn_story_accuracy(m, ATTN_SPLIT_TRAIN, N_TRAIN, SEED_DATA);   /* the training sentences */
    m->acc_nouns = attn_story_accuracy(m, ATTN_SPLIT_NOUNS, N_HELD, SEED_NOUNS);
    m->acc_orders = attn_story_accuracy(m, ATTN_SPLIT_ORDERS, N_HELD, SEED_ORDERS);
    m->train_sentences = N_TRAIN;
    m->train_epochs = EPOCHS;
    m->train_seconds = (float)st.seconds;
    attn_story_probe(m, 500, SEED_PROBE);
    printf("referent accuracy: training sentences %.4f (%d), held-out nouns %.4f (%d), held-out orders %.4f (%d); "
           "%.1f s, %d steps\n", m->acc_train, N_TRAIN, m->acc_nouns, N_HELD, m->acc_orders, N_HELD, st.seconds,
           st.steps);
    printf("features:");
    for (int c = 0; c < ATTN_FEATURES; c++) printf(" %s (r %.2f)", m->dim_names[c], (double)m->dim_r[c]);
    printf("\n");
    char losses[300];
    snprintf(losses, sizeof losses,
             "head 1 it->referent x%g; heads 2, 3 previous/next word x%g; head 4 nouns->verb x%g; "
             "copy out[it] to x[referent] x%g", (double)W_REF, (double)W_POS, (double)W_VERB, (double)W_COPY);
    attn_story_record rec = {.seed = SEED_WEIGHTS, .lr = LR, .batch = BATCH, .unseen_rate = UNSEEN_RATE,
                             .losses = losses};
    int rc = attn_model_story_write(m, &rec, out, err, sizeof err);
    if (rc) fprintf(stderr, "train_attention_story: %s\n", err);
    else printf("wrote %s\n", out);
    ts_arena_free(&arena);
    ts_arena_free(&tr->scratch);
    bool good = m->acc_train >= 0.95f && m->acc_nouns >= 0.95f && m->acc_orders >= 0.95f;
    free(tr);
    return rc ? 1 : (good ? 0 : 1);
}
