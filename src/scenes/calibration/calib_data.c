/* calib_data.c: the numbers behind the calibration card's diagram beats
 * (see calib_diagram.h): two moons, a 2-16-2 tanh MLP trained with SGD and
 * with Adam by the kernel's trainer, the decision fields and input
 * gradients of the trained nets, and one step of an LSTM cell.
 */
#include <math.h>
#include <string.h>
#include "calib_diagram.h"
#include "kernel/nn.h"
#include "kernel/rnn.h"
#include "kernel/train.h"

#define HID 16
#define BATCH 32

/* The extent the planes show (calib_diagram.c uses the same numbers). */
const float calib_extent[4] = {-1.5f, 2.5f, -1.25f, 1.75f};

typedef struct mlp {
    ts_tensor *w1, *b1, *w2, *b2;
    const float *x;
    const int *y;
    float xb[BATCH * 2], h[BATCH * HID], logits[BATCH * 2], probs[BATCH * 2];
    float dlogits[BATCH * 2], dh[BATCH * HID];
    int yb[BATCH];
    float bmin, bmax;                    /* batch losses of the running epoch */
    ts_tensor *loss, *lmin, *lmax;       /* per epoch */
} mlp;

static void mlp_init(mlp *m, ts_arena *a, const char *name, uint64_t seed)
{
    ts_rng r;
    ts_rng_seed(&r, seed);
    m->w1 = ts_new2(a, NULL, HID, 2);
    m->b1 = ts_new1(a, NULL, HID);
    m->w2 = ts_new2(a, NULL, 2, HID);
    m->b2 = ts_new1(a, NULL, 2);
    ts_tensor_set_name(m->w1, "%s.fc1.weight", name);
    ts_tensor_set_name(m->b1, "%s.fc1.bias", name);
    ts_tensor_set_name(m->w2, "%s.fc2.weight", name);
    ts_tensor_set_name(m->b2, "%s.fc2.bias", name);
    ts_linear_init(m->w1->data, m->b1->data, &r, 2, HID);
    ts_linear_init(m->w2->data, m->b2->data, &r, HID, 2);
    m->bmin = INFINITY;
    m->bmax = -INFINITY;
}

/* logits [B,2] and hidden [B,HID] for inputs x [B,2]. */
static void mlp_forward(const mlp *m, float *h, float *logits, const float *x, int B)
{
    ts_linear_forward(h, x, m->w1->data, m->b1->data, B, 2, HID);
    ts_tanh_forward(h, h, (size_t)B * HID);
    ts_linear_forward(logits, h, m->w2->data, m->b2->data, B, HID, 2);
}

static float mlp_step(void *user, const int *idx, int n)
{
    mlp *m = user;
    for (int i = 0; i < n; i++) {
        m->xb[2 * i] = m->x[2 * idx[i]];
        m->xb[2 * i + 1] = m->x[2 * idx[i] + 1];
        m->yb[i] = m->y[idx[i]];
    }
    mlp_forward(m, m->h, m->logits, m->xb, n);
    float loss = ts_crossentropy_forward(NULL, m->probs, m->logits, m->yb, n, 2);
    memset(m->dlogits, 0, sizeof m->dlogits);
    memset(m->dh, 0, sizeof m->dh);
    ts_crossentropy_backward(m->dlogits, m->probs, m->yb, 1.0f, n, 2);
    ts_linear_backward(m->dh, m->w2->grad, m->b2->grad, m->dlogits, m->h, m->w2->data, n, HID, 2);
    ts_tanh_backward(m->dh, m->dh, m->h, (size_t)n * HID);
    ts_linear_backward(NULL, m->w1->grad, m->b1->grad, m->dh, m->xb, m->w1->data, n, 2, HID);
    m->bmin = fminf(m->bmin, loss);
    m->bmax = fmaxf(m->bmax, loss);
    return loss;
}

static void mlp_epoch(void *user, int epoch, float loss, float metric)
{
    (void)metric;
    mlp *m = user;
    if (epoch >= 0 && epoch < CALIB_E) {       /* epochs count from 0 */
        m->loss->data[epoch] = loss;
        if (m->lmin) m->lmin->data[epoch] = m->bmin;
        if (m->lmax) m->lmax->data[epoch] = m->bmax;
    }
    m->bmin = INFINITY;
    m->bmax = -INFINITY;
}

static void train(mlp *m, ts_arena *a, ts_optim_desc opt, uint64_t seed)
{
    ts_tensor *params[4] = {m->w1, m->b1, m->w2, m->b2};
    for (int i = 0; i < 4; i++) ts_tensor_grad(a, params[i]);
    ts_train(a, &(ts_train_desc){.params = params, .nparams = 4, .optim = opt,
                                 .n_samples = CALIB_N, .epochs = CALIB_E, .batch_size = BATCH,
                                 .seed = seed, .step = mlp_step, .on_epoch = mlp_epoch, .user = m});
}

/* Grid cell centres, row 0 at the top (y_hi), as the plane's field expects. */
static void grid_point(int r, int c, float *x, float *y)
{
    *x = calib_extent[0] + ((float)c + 0.5f) / CALIB_G * (calib_extent[1] - calib_extent[0]);
    *y = calib_extent[3] - ((float)r + 0.5f) / CALIB_G * (calib_extent[3] - calib_extent[2]);
}

static void decide(const mlp *m, ts_tensor *cls, int *region, ts_tensor *p1)
{
    float h[HID], lg[2], pr[2], xy[2];
    for (int r = 0; r < CALIB_G; r++)
        for (int c = 0; c < CALIB_G; c++) {
            grid_point(r, c, &xy[0], &xy[1]);
            mlp_forward(m, h, lg, xy, 1);
            ts_softmax_forward(pr, lg, NULL, 1, 2);
            int k = r * CALIB_G + c;
            region[k] = pr[1] > pr[0];
            cls->data[k] = (float)region[k];
            if (p1) p1->data[k] = pr[1];
        }
}

/* -d loss / d x for one point of class y (the direction that makes the net
 * more sure of the right class); returns the loss. */
static float input_grad(const mlp *m, const float *xy, int y, float *g)
{
    float h[HID], lg[2], pr[2], dl[2] = {0, 0}, dh[HID] = {0}, dx[2] = {0, 0};
    mlp_forward(m, h, lg, xy, 1);
    float loss = ts_crossentropy_forward(NULL, pr, lg, &y, 1, 2);
    ts_crossentropy_backward(dl, pr, &y, 1.0f, 1, 2);
    ts_linear_backward(dh, NULL, NULL, dl, h, m->w2->data, 1, HID, 2);
    ts_tanh_backward(dh, dh, h, HID);
    ts_linear_backward(dx, NULL, NULL, dh, xy, m->w1->data, 1, 2, HID);
    g[0] = -dx[0];
    g[1] = -dx[1];
    return loss;
}

static void lstm_init(calib_dg *d, ts_arena *a, uint64_t seed)
{
    ts_rng r;
    ts_rng_seed(&r, seed);
    int I = CALIB_I, H = CALIB_H;
    d->lx = ts_new2(a, "lstm.x", 1, I);
    d->h0 = ts_new2(a, "lstm.h0", 1, H);
    d->c0 = ts_new2(a, "lstm.c0", 1, H);
    d->w_ih = ts_new2(a, "lstm.weight_ih", 4 * H, I);
    d->w_hh = ts_new2(a, "lstm.weight_hh", 4 * H, H);
    d->b_ih = ts_new1(a, "lstm.bias_ih", 4 * H);
    d->b_hh = ts_new1(a, "lstm.bias_hh", 4 * H);
    d->gates = ts_new2(a, "lstm.gates", 1, 4 * H);
    d->h1 = ts_new2(a, "lstm.h1", 1, H);
    d->c1 = ts_new2(a, "lstm.c1", 1, H);
    ts_rng_uniform_fill(&r, d->w_ih->data, ts_numel(d->w_ih), -0.8f, 0.8f);
    ts_rng_uniform_fill(&r, d->w_hh->data, ts_numel(d->w_hh), -0.8f, 0.8f);
    ts_rng_uniform_fill(&r, d->b_ih->data, ts_numel(d->b_ih), -0.3f, 0.3f);
    ts_rng_uniform_fill(&r, d->b_hh->data, ts_numel(d->b_hh), -0.3f, 0.3f);
    /* A forget bias of +1 (a common init) so the forget gate mostly keeps. */
    for (int j = 0; j < H; j++) d->b_ih->data[H + j] += 1.0f;
    ts_rng_uniform_fill(&r, d->lx->data, (size_t)I, -1.0f, 1.0f);
    ts_rng_uniform_fill(&r, d->h0->data, (size_t)H, -0.6f, 0.6f);
    ts_rng_uniform_fill(&r, d->c0->data, (size_t)H, -1.0f, 1.0f);
    ts_lstm_cell_forward(d->h1->data, d->c1->data, d->gates->data, d->lx->data, d->h0->data,
                         d->c0->data, d->w_ih->data, d->w_hh->data, d->b_ih->data, d->b_hh->data,
                         1, I, H);
}

void calib_dg_init(calib_dg *d, ts_arena *a, int seed)
{
    memset(d, 0, sizeof *d);
    d->x = ts_new2(a, "moons.x", CALIB_N, 2);
    d->y = ts_new1(a, "moons.y", CALIB_N);
    ts_two_moons(d->x->data, d->cls, CALIB_N, 0.15f, (uint64_t)seed);
    for (int i = 0; i < CALIB_N; i++) d->y->data[i] = (float)d->cls[i];
    d->epoch = ts_new1(a, "epoch", CALIB_E);
    for (int e = 0; e < CALIB_E; e++) d->epoch->data[e] = (float)(e + 1);

    mlp sgd = {.x = d->x->data, .y = d->cls}, adam = {.x = d->x->data, .y = d->cls};
    mlp_init(&sgd, a, "sgd", (uint64_t)seed + 1);
    mlp_init(&adam, a, "adam", (uint64_t)seed + 1);
    d->sgd_loss = sgd.loss = ts_new1(a, "sgd.loss", CALIB_E);
    d->adam_loss = adam.loss = ts_new1(a, "adam.loss", CALIB_E);
    d->adam_min = adam.lmin = ts_new1(a, "adam.batch_min", CALIB_E);
    d->adam_max = adam.lmax = ts_new1(a, "adam.batch_max", CALIB_E);
    train(&sgd, a, (ts_optim_desc){.kind = TS_OPTIM_SGD, .lr = 0.2f}, (uint64_t)seed + 2);
    train(&adam, a, (ts_optim_desc){.kind = TS_OPTIM_ADAM, .lr = 0.05f}, (uint64_t)seed + 2);

    float lg[CALIB_N * 2], h[HID];
    for (int i = 0; i < CALIB_N; i++) mlp_forward(&sgd, h, lg + 2 * i, d->x->data + 2 * i, 1);
    d->sgd_acc = ts_accuracy(lg, d->cls, CALIB_N, 2);
    for (int i = 0; i < CALIB_N; i++) mlp_forward(&adam, h, lg + 2 * i, d->x->data + 2 * i, 1);
    d->adam_acc = ts_accuracy(lg, d->cls, CALIB_N, 2);

    d->p1 = ts_new2(a, "adam.p1", CALIB_G, CALIB_G);
    d->sgd_cls = ts_new2(a, "sgd.class", CALIB_G, CALIB_G);
    d->adam_cls = ts_new2(a, "adam.class", CALIB_G, CALIB_G);
    decide(&sgd, d->sgd_cls, d->sgd_region, NULL);
    decide(&adam, d->adam_cls, d->adam_region, d->p1);

    /* The K samples with the steepest input gradient (the ones the net is
     * least sure of): their gradients, and the paths they take when pushed
     * down the loss of their own class (strides of 0.06 along -grad until
     * the net gives their class 95%). */
    d->kx = ts_new2(a, "adam.points", CALIB_K, 2);
    d->dx = ts_new2(a, "adam.dx", CALIB_K, 2);
    d->traj = ts_new3(a, "adam.traj", CALIB_S, CALIB_K, 2);
    float gn[CALIB_N];
    for (int i = 0; i < CALIB_N; i++) {
        float g[2];
        input_grad(&adam, d->x->data + 2 * i, d->cls[i], g);
        gn[i] = hypotf(g[0], g[1]);
    }
    for (int k = 0; k < CALIB_K; k++) {
        int i = 0;
        for (int j = 1; j < CALIB_N; j++)
            if (gn[j] > gn[i]) i = j;
        gn[i] = -1.0f;
        float p[2] = {d->x->data[2 * i], d->x->data[2 * i + 1]}, g[2];
        d->kx->data[2 * k] = p[0];
        d->kx->data[2 * k + 1] = p[1];
        input_grad(&adam, p, d->cls[i], g);
        d->dx->data[2 * k] = g[0];
        d->dx->data[2 * k + 1] = g[1];
        for (int s = 0; s < CALIB_S; s++) {
            d->traj->data[(s * CALIB_K + k) * 2] = p[0];
            d->traj->data[(s * CALIB_K + k) * 2 + 1] = p[1];
            /* a fixed stride along -grad until the net is 95% sure */
            float loss = input_grad(&adam, p, d->cls[i], g), gl = hypotf(g[0], g[1]);
            if (loss < 0.0513f || gl < 1e-6f) continue;      /* -log(0.95) */
            p[0] += 0.06f * g[0] / gl;
            p[1] += 0.06f * g[1] / gl;
        }
    }
    lstm_init(d, a, (uint64_t)seed + 3);
}

void calib_dg_dump(const calib_dg *d, ts_dump *dump)
{
    const ts_tensor *all[] = {d->x, d->y, d->sgd_loss, d->adam_loss, d->adam_min, d->adam_max,
                              d->p1, d->sgd_cls, d->adam_cls, d->kx, d->dx, d->traj, d->lx,
                              d->h0, d->c0, d->gates, d->h1, d->c1};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) ts_dump_tensor(dump, all[i]);
}
