/* test_train: a 2-32-32-2 ReLU MLP learns two moons through the reusable
 * trainer (ts_trainer_*) with Adam, to >= 97% accuracy on a held-out set.
 * The time is printed; the target (< 1 s) is reported, not asserted. Also
 * checks that a seed reproduces a run bit for bit and that the step-wise
 * API and the per-epoch callback see every sample once per epoch. */
#include <string.h>

#include "check.h"
#include "kernel/nn.h"
#include "kernel/train.h"

enum { IN = 2, HID = 32, OUT = 2, N_TRAIN = 1000, N_TEST = 500, MAXB = N_TEST, EPOCHS = 60 };

typedef struct mlp {
    ts_tensor *w1, *b1, *w2, *b2, *w3, *b3;
    const float *x;         /* [n,2] inputs of the set being used */
    const int *y;           /* [n] labels */
    /* activations and their grads for up to MAXB samples */
    float xb[MAXB * IN], h1[MAXB * HID], a1[MAXB * HID], h2[MAXB * HID], a2[MAXB * HID];
    float logits[MAXB * OUT], probs[MAXB * OUT];
    float dh1[MAXB * HID], da1[MAXB * HID], dh2[MAXB * HID], da2[MAXB * HID], dlogits[MAXB * OUT];
    int yb[MAXB];
    const float *test_x;
    const int *test_y;
    int seen[N_TRAIN];      /* how often each sample was used */
    int epochs_logged;
    bool quiet;
} mlp;

static void forward(mlp *m, int n) {
    ts_linear_forward(m->h1, m->xb, m->w1->data, m->b1->data, n, IN, HID);
    ts_relu_forward(m->a1, m->h1, (size_t)n * HID);
    ts_linear_forward(m->h2, m->a1, m->w2->data, m->b2->data, n, HID, HID);
    ts_relu_forward(m->a2, m->h2, (size_t)n * HID);
    ts_linear_forward(m->logits, m->a2, m->w3->data, m->b3->data, n, HID, OUT);
}

static float mlp_step(void *user, const int *idx, int n) {
    mlp *m = user;
    for (int i = 0; i < n; i++) {
        memcpy(m->xb + i * IN, m->x + idx[i] * IN, IN * sizeof(float));
        m->yb[i] = m->y[idx[i]];
        m->seen[idx[i]]++;
    }
    forward(m, n);
    float loss = ts_crossentropy_forward(NULL, m->probs, m->logits, m->yb, n, OUT);
    memset(m->dlogits, 0, sizeof m->dlogits);
    memset(m->da2, 0, sizeof m->da2);
    memset(m->dh2, 0, sizeof m->dh2);
    memset(m->da1, 0, sizeof m->da1);
    memset(m->dh1, 0, sizeof m->dh1);
    ts_crossentropy_backward(m->dlogits, m->probs, m->yb, 1.0f, n, OUT);
    ts_linear_backward(m->da2, m->w3->grad, m->b3->grad, m->dlogits, m->a2, m->w3->data, n, HID, OUT);
    ts_relu_backward(m->dh2, m->da2, m->h2, (size_t)n * HID);
    ts_linear_backward(m->da1, m->w2->grad, m->b2->grad, m->dh2, m->a1, m->w2->data, n, HID, HID);
    ts_relu_backward(m->dh1, m->da1, m->h1, (size_t)n * HID);
    ts_linear_backward(NULL, m->w1->grad, m->b1->grad, m->dh1, m->xb, m->w1->data, n, IN, HID);
    return loss;
}

static float mlp_test_accuracy(void *user) {
    mlp *m = user;
    memcpy(m->xb, m->test_x, sizeof(float) * N_TEST * IN);
    forward(m, N_TEST);
    return ts_accuracy(m->logits, m->test_y, N_TEST, OUT);
}

static void on_epoch(void *user, int epoch, float loss, float metric) {
    mlp *m = user;
    m->epochs_logged++;
    if (!m->quiet && epoch % 10 == 0) printf("  epoch %3d  loss %.4f  test acc %.3f\n", epoch, loss, metric);
}

static void init_mlp(mlp *m, ts_arena *a, uint64_t seed) {
    ts_rng r;
    ts_rng_seed(&r, seed);
    m->w1 = ts_new2(a, "fc1.weight", HID, IN);  m->b1 = ts_new1(a, "fc1.bias", HID);
    m->w2 = ts_new2(a, "fc2.weight", HID, HID); m->b2 = ts_new1(a, "fc2.bias", HID);
    m->w3 = ts_new2(a, "fc3.weight", OUT, HID); m->b3 = ts_new1(a, "fc3.bias", OUT);
    ts_linear_init(m->w1->data, m->b1->data, &r, IN, HID);
    ts_linear_init(m->w2->data, m->b2->data, &r, HID, HID);
    ts_linear_init(m->w3->data, m->b3->data, &r, HID, OUT);
}

static ts_train_stats run(mlp *m, ts_arena *a, const float *x, const int *y, int epochs) {
    init_mlp(m, a, 1);
    m->x = x;
    m->y = y;
    ts_tensor *params[] = {m->w1, m->b1, m->w2, m->b2, m->w3, m->b3};
    return ts_train(a, &(ts_train_desc){
        .params = params, .nparams = 6,
        .optim = {.kind = TS_OPTIM_ADAM, .lr = 0.01f},
        .n_samples = N_TRAIN, .epochs = epochs, .batch_size = 50, .seed = 42,
        .step = mlp_step, .eval = mlp_test_accuracy, .on_epoch = on_epoch, .user = m});
}

int main(void) {
    static float x[N_TRAIN * IN], tx[N_TEST * IN];
    static int y[N_TRAIN], ty[N_TEST];
    ts_two_moons(x, y, N_TRAIN, 0.15f, 1);
    ts_two_moons(tx, ty, N_TEST, 0.15f, 2);
    int ones = 0;
    for (int i = 0; i < N_TRAIN; i++) ones += y[i];
    CHECK(ones == N_TRAIN / 2);

    ts_arena a = {0};
    static mlp m, m2;
    m.test_x = tx; m.test_y = ty;
    double t0 = ts_seconds();
    ts_train_stats st = run(&m, &a, x, y, EPOCHS);
    double secs = ts_seconds() - t0;
    printf("two moons: test accuracy %.2f%% after %d epochs, %d steps, final loss %.4f, "
           "%.3f s (target < 1 s%s)\n", 100.0 * st.metric, st.epoch, st.steps,
           st.epoch_loss, secs, secs < 1.0 ? ", met" : ", MISSED");
    CHECK(st.metric >= 0.97f);
    CHECK(st.epoch == EPOCHS && st.steps == EPOCHS * N_TRAIN / 50);
    CHECK(m.epochs_logged == EPOCHS);
    int every = 1;
    for (int i = 0; i < N_TRAIN; i++) every &= m.seen[i] == EPOCHS;
    CHECK(every);

    /* Same seed, same run, bit for bit. */
    m2.test_x = tx; m2.test_y = ty; m2.quiet = true;
    ts_train_stats st2 = run(&m2, &a, x, y, EPOCHS);
    CHECK(st2.epoch_loss == st.epoch_loss && st2.metric == st.metric);
    CHECK(memcmp(m.w2->data, m2.w2->data, HID * HID * sizeof(float)) == 0);

    /* The step-wise API: a partial last batch, epoch boundaries, done. */
    ts_arena_reset(&a);
    memset(&m2, 0, sizeof m2);
    init_mlp(&m2, &a, 3);
    m2.x = x; m2.y = y;
    ts_tensor *params[] = {m2.w1, m2.b1, m2.w2, m2.b2, m2.w3, m2.b3};
    ts_train_loop *tr = ts_train_loop_new(&a, &(ts_train_desc){
        .params = params, .nparams = 6, .n_samples = 130, .epochs = 2, .batch_size = 32,
        .step = mlp_step, .user = &m2});
    for (int i = 0; i < 4; i++) ts_train_loop_step(tr);
    CHECK(ts_train_loop_stats(tr).epoch == 0 && ts_train_loop_stats(tr).steps == 4);
    ts_train_loop_step(tr);                      /* the 2-sample remainder ends epoch 1 */
    ts_train_stats s = ts_train_loop_stats(tr);
    CHECK(s.epoch == 1 && s.steps == 5 && isfinite(s.epoch_loss) && isnan(s.metric));
    CHECK(isfinite(ts_train_loop_epoch(tr)));
    CHECK(ts_train_loop_done(tr) && ts_train_loop_stats(tr).steps == 10);
    int counted = 1;
    for (int i = 0; i < N_TRAIN; i++) counted &= m2.seen[i] == (i < 130 ? 2 : 0);
    CHECK(counted);
    CHECK(ts_optim_steps(ts_train_loop_optim(tr)) == 10);
    CHECK(ts_optim_settings(ts_train_loop_optim(tr)).lr == 0.01f);   /* SGD default */

    ts_arena_free(&a);
    return check_report();
}
