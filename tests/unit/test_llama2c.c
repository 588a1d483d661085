/* test_llama2c.c - llama2.c .bin checkpoints (lib/llama2c.c) against an
 * independent PyTorch transcription of llama2.c's run.c forward pass
 * (interleaved RoPE), and bad checkpoints.
 *
 * tests/data/l2c-NAME.bin and l2c-NAME.expected.bin are written by
 * tests/reference/llama2c_reference.py. Error metric as in test_model.c: for
 * each position max_j |ours_j - ref_j| / max_j |ref_j|, below 1e-4 for a
 * batched prefill, for decoding with the KV cache, and for the whole
 * sequence in one pass. */
#include "t.h"
#include "logits_fixture.h"
#include "nn/llama2c.h"
#include "nn/model.h"
#include "core/util.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TOL 1e-4






/* Load NAME through PATH (the .bin itself or a folder) and compare. */
static void check_fixture(const char *name, const char *path, int dim, int layers, int heads, int kv, int vocab,
                          int seq, int tied)
{
    char err[512] = "", cname[1024], epath[300];
    gt_model m;
    int ok = gt_model_load(&m, path, err, sizeof err) == 0;
    snprintf(cname, sizeof cname, "%s: loads from %s", name, path);
    CHECK(ok, cname);
    if (!ok) { printf("  %s\n", err); return; }
    snprintf(cname, sizeof cname, "%s: header read", name);
    CHECK(m.c.dim == dim && m.c.n_layers == layers && m.c.n_heads == heads && m.c.n_kv_heads == kv &&
          m.c.vocab_size == vocab && m.c.max_pos == seq && m.c.tie_embeddings == tied &&
          m.c.head_dim == dim / heads && m.c.bos_id == 1 && m.c.n_eos == 1 && m.c.eos_ids[0] == 2,
          cname);
    snprintf(cname, sizeof cname, "%s: classifier %s", name, tied ? "shared with the embeddings" : "separate");
    CHECK((m.lm_head.p == m.embed.p) == tied, cname);
    expected e;
    snprintf(epath, sizeof epath, "tests/data/%s.expected.bin", name);
    ok = read_expected(epath, &e) == 0 && e.vocab == m.c.vocab_size;
    snprintf(cname, sizeof cname, "%s: expected logits readable", name);
    CHECK(ok, cname);
    if (!ok) { gt_model_free(&m); return; }
    int V = e.vocab, N = e.ntok, P = e.nprefill;
    float *lg = malloc(sizeof(float) * (size_t)N * V);
    gt_state *s = gt_state_new(&m, 0, 0, err, sizeof err);
    double ep = 0, ed = 0, ea = 0;
    int rc = gt_model_forward(&m, s, e.tok, P, 0, lg, 1);
    for (int i = 0; i < P; i++) ep = fmax(ep, row_err(lg + (size_t)i * V, e.logits + (size_t)i * V, V));
    for (int i = P; i < N && rc == 0; i++) {
        rc = gt_model_forward(&m, s, e.tok + i, 1, i, lg, 0);
        ed = fmax(ed, row_err(lg, e.logits + (size_t)i * V, V));
    }
    snprintf(cname, sizeof cname, "%s: prefill of %d tokens matches run.c's forward (max rel err %.2g)", name, P, ep);
    CHECK(rc == 0 && ep < TOL, cname);
    snprintf(cname, sizeof cname, "%s: %d decode steps with the KV cache match (max rel err %.2g)", name, N - P, ed);
    CHECK(rc == 0 && ed < TOL, cname);
    rc = gt_model_forward(&m, s, e.tok, N, 0, lg, 1);
    for (int i = 0; i < N; i++) ea = fmax(ea, row_err(lg + (size_t)i * V, e.logits + (size_t)i * V, V));
    snprintf(cname, sizeof cname, "%s: whole sequence in one pass (max rel err %.2g)", name, ea);
    CHECK(rc == 0 && ea < TOL, cname);
    /* past the header's seq_len */
    int32_t t1 = 1;
    snprintf(cname, sizeof cname, "%s: position past seq_len refused", name);
    CHECK(gt_model_forward(&m, s, &t1, 1, seq, lg, 0) != 0, cname);
    gt_state_free(s);
    free(lg);
    free(e.tok);
    free(e.logits);
    gt_model_free(&m);
}

/* Loading PATH fails with a message containing every one of WANT (NULL-ended). */
static void check_bad(const char *what, const char *path, const char *want1, const char *want2)
{
    char err[512] = "", cname[1024];
    gt_model m;
    int rc = gt_llama2c_load(&m, path, err, sizeof err);
    int ok = rc != 0 && strstr(err, path) && strstr(err, want1) && (!want2 || strstr(err, want2));
    snprintf(cname, sizeof cname, "%s: refused with a message naming the file (%s)", what, err);
    CHECK(ok, cname);
    if (rc == 0) gt_model_free(&m);
}

int main(void)
{
    check_fixture("l2c-v0-gqa", "tests/data/l2c-v0-gqa.bin", 32, 2, 4, 2, 67, 24, 0);
    check_fixture("l2c-v1-mqa", "tests/data/l2c-v1-mqa.bin", 24, 2, 3, 1, 50, 16, 1);

    char tmpl[] = "/tmp/test_llama2c.XXXXXX";
    char *tmp = mkdtemp(tmpl);
    CHECK(tmp != NULL, "temp dir");
    if (!tmp) T_END();
    char dir[300], bin[400], cwd[1024], src[1400], bad[400];
    /* a folder with model.bin and no config.json */
    snprintf(dir, sizeof dir, "%s/m", tmp);
    mkdir(dir, 0700);
    snprintf(bin, sizeof bin, "%s/model.bin", dir);
    if (!getcwd(cwd, sizeof cwd)) abort();
    snprintf(src, sizeof src, "%s/tests/data/l2c-v1-mqa.bin", cwd);
    CHECK(symlink(src, bin) == 0, "symlink model.bin");
    check_fixture("l2c-v1-mqa", dir, 24, 2, 3, 1, 50, 16, 1);

    size_t n;
    char *v0 = slurp("tests/data/l2c-v0-gqa.bin", &n), *v1;
    size_t n1;
    v1 = slurp("tests/data/l2c-v1-mqa.bin", &n1);
    snprintf(bad, sizeof bad, "%s/bad.bin", tmp);
    spit(bad, v0, n - 4);
    check_bad("v0 one float short", bad, "truncated", "98460");
    spit(bad, v1, n1 / 2);
    check_bad("v1 cut in half", bad, "truncated", NULL);
    spit(bad, v1, 100);
    check_bad("v1 header cut", bad, "truncated", "256");
    spit(bad, v0, 20);
    check_bad("20 bytes", bad, "truncated", NULL);
    spit(bad, v0, 0);
    check_bad("empty file", bad, "truncated", NULL);
    char *big = malloc(n + 8);
    memcpy(big, v0, n);
    memset(big + n, 0, 8);
    spit(bad, big, n + 8);
    check_bad("v0 with trailing bytes", bad, "need exactly", NULL);
    int32_t h[7];
    memcpy(h, v0, sizeof h);
    h[3] = 5;   /* n_heads 5 does not divide dim 32 */
    memcpy(big, h, sizeof h);
    spit(bad, big, n);
    check_bad("n_heads not dividing dim", bad, "n_heads", NULL);
    memcpy(h, v0, sizeof h);
    h[0] = -3;
    memcpy(big, h, sizeof h);
    spit(bad, big, n);
    check_bad("negative dim", bad, "dim", NULL);
    memcpy(big, v1, n1);
    int32_t ver = 2;
    memcpy(big + 4, &ver, 4);
    spit(bad, big, n1);
    check_bad("version 2", bad, "version 2", NULL);
    ver = 7;
    memcpy(big + 4, &ver, 4);
    spit(bad, big, n1);
    check_bad("unknown version", bad, "version 7", NULL);
    char err[512] = "";
    gt_model m;
    snprintf(bad, sizeof bad, "%s/none.bin", tmp);
    CHECK(gt_llama2c_load(&m, bad, err, sizeof err) != 0 && strstr(err, "cannot open") && strstr(err, bad),
          "missing file: cannot open");
    /* a Hugging Face folder still loads as before */
    CHECK(gt_model_load(&m, "tests/data/model-gqa-f32", err, sizeof err) == 0 && m.c.tie_embeddings == 0,
          "Hugging Face folder unaffected");
    gt_model_free(&m);
    free(big);
    free(v0);
    free(v1);
    unlink(bin);
    unlink(bad);
    snprintf(bad, sizeof bad, "%s/bad.bin", tmp);
    unlink(bad);
    rmdir(dir);
    rmdir(tmp);
    T_END();
}
