/* test_proj.c - the one homes of the model's small shared pieces: the table of
 * the seven projections, the LoRA merge, the dtype conversions, RoPE and
 * RMSNorm as inference and training share them, and the folder swap. */
#include "nn/dtype.h"
#include "nn/kernels.h"
#include "nn/lora.h"
#include "nn/model.h"
#include "io/fswap.h"
#include "t.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void test_table(void)
{
    gt_config c;
    memset(&c, 0, sizeof c);
    c.dim = 16; c.hidden_dim = 40; c.n_heads = 4; c.n_kv_heads = 2; c.head_dim = 6;
    int want[GT_PROJ_N][2] = { { 24, 16 }, { 12, 16 }, { 12, 16 }, { 16, 24 }, { 40, 16 }, { 40, 16 }, { 16, 40 } };
    int ok = 1;
    for (int p = 0; p < GT_PROJ_N; p++) {
        int out, in;
        gt_proj_dims(&c, p, &out, &in);
        ok &= out == want[p][0] && in == want[p][1];
    }
    CHECK(ok, "proj: shapes [out][in] of q, k, v, o, gate, up, down");
    char nm[128];
    CHECK_STR(gt_proj_tensor(nm, sizeof nm, "", 3, GT_PROJ_O, ".weight"), "model.layers.3.self_attn.o_proj.weight",
              "proj: HF tensor name");
    CHECK_STR(gt_proj_tensor(nm, sizeof nm, "base_model.model.", 0, GT_PROJ_DOWN, ".lora_B.weight"),
              "base_model.model.model.layers.0.mlp.down_proj.lora_B.weight", "proj: PEFT tensor name");
    ok = 1;
    for (int l = 0; l < 12; l += 11)
        for (int p = 0; p < GT_PROJ_N; p++) {
            const char *rest;
            int layer;
            gt_proj_tensor(nm, sizeof nm, "", l, p, ".weight");
            ok &= gt_proj_parse(nm, &layer, &rest) == p && layer == l && strcmp(rest, ".weight") == 0;
        }
    CHECK(ok, "proj: every name parses back to its layer and projection");
    const char *rest;
    int layer;
    CHECK(gt_proj_parse("model.layers.0.mlp.q_proj.weight", &layer, &rest) == -1, "proj: q_proj is not in mlp");
    CHECK(gt_proj_parse("model.layers.0.self_attn.q_projx.weight", &layer, &rest) == -1, "proj: a longer name");
    CHECK(gt_proj_parse("model.layers.x.self_attn.q_proj", &layer, &rest) == -1, "proj: no layer number");
    CHECK(gt_proj_parse("model.layers.2.self_attn.v_proj", &layer, &rest) == GT_PROJ_V && layer == 2 && !*rest,
          "proj: a name that ends after the projection");
}

static void test_merge(void)
{
    enum { O = 5, I = 7, R = 3 };
    float A[R * I], B[O * R], w[O * I], ref[O * I];
    for (int i = 0; i < R * I; i++) A[i] = (float)((i * 37 % 11) - 5) / 8;
    for (int i = 0; i < O * R; i++) B[i] = (float)((i * 53 % 13) - 6) / 16;
    for (int i = 0; i < O * I; i++) w[i] = ref[i] = (float)(i % 9) / 4;
    gt_lora_merge(w, O, I, A, B, R, 0.5f);
    double worst = 0;
    for (int o = 0; o < O; o++)
        for (int i = 0; i < I; i++) {
            double s = ref[o * I + i];
            for (int k = 0; k < R; k++) s += 0.5 * B[o * R + k] * A[k * I + i];
            worst = fmax(worst, fabs(s - w[o * I + i]));
        }
    CHECK(worst < 1e-6, "lora merge: W + scale B A");
    gt_lora_cfg lc;
    gt_lora_cfg_default(&lc);
    CHECK(lc.r == 8 && lc.alpha == 16 && lc.targets == (1u << GT_PROJ_Q | 1u << GT_PROJ_V), "lora settings: defaults");
}

static void test_dtype(void)
{
    CHECK_STR(gt_dtype_name(GT_DT_BF16), "BF16", "dtype: name");
    CHECK_STR(gt_dtype_name(GT_DT_Q8), "Q8", "dtype: Q8 is a member of the enum");
    CHECK(gt_dtype_size(GT_DT_F32) == 4 && gt_dtype_size(GT_DT_F16) == 2 && gt_dtype_size(GT_DT_Q8) == 1,
          "dtype: sizes");
    float x[6] = { 1.5f, -2.25f, 0.0f, 65504.0f, 3.0e-5f, -0.1f };
    uint16_t h[6], b[6];
    for (int i = 0; i < 6; i++) { h[i] = gt_f32_to_f16(x[i]); b[i] = gt_f32_to_bf16(x[i]); }
    float y[6], z[6];
    int ok = 1;
    gt_to_f32(y, h, GT_DT_F16, 6);
    for (int i = 0; i < 6; i++) ok &= y[i] == gt_f16_to_f32(h[i]) && fabsf(y[i] - x[i]) <= 1e-3f * fabsf(x[i]) + 1e-7f;
    gt_to_f32(z, b, GT_DT_BF16, 6);
    for (int i = 0; i < 6; i++) ok &= z[i] == gt_bf16_to_f32(b[i]) && fabsf(z[i] - x[i]) <= 4e-3f * fabsf(x[i]);
    gt_to_f32(y, x, GT_DT_F32, 6);
    ok &= memcmp(x, y, sizeof x) == 0;
    gt_row_to_f32(z, h, GT_DT_F16, 1, 3);
    ok &= z[0] == gt_f16_to_f32(h[3]) && z[2] == gt_f16_to_f32(h[5]);
    CHECK(ok, "dtype: widening a run and a row");
}

static void test_rope_rmsnorm(void)
{
    enum { HD = 8, NH = 2 };
    double inv[HD / 2] = { 1, 0.3, 0.1, 0.01 };
    float t0[6 * HD], t4[2 * HD];
    gt_rope_table(t0, inv, 0, 6, HD);
    gt_rope_table(t4, inv, 4, 2, HD);
    CHECK(memcmp(t0 + 4 * HD, t4, sizeof t4) == 0, "rope: a table from position 4 is rows 4.. of one from 0");
    float v[NH * HD], w[NH * HD];
    for (int i = 0; i < NH * HD; i++) v[i] = w[i] = (float)(i - 7) / 3;
    gt_rope_rotate(v, NH, HD, t0 + 5 * HD, 1.0f);
    double d = 0;
    for (int i = 0; i < NH * HD; i++) d += fabs(v[i] - w[i]);
    gt_rope_rotate(v, NH, HD, t0 + 5 * HD, -1.0f);
    double back = 0;
    for (int i = 0; i < NH * HD; i++) back = fmax(back, fabs(v[i] - w[i]));
    CHECK(d > 0.1 && back < 1e-5, "rope: sign -1 rotates back");
    float x[4] = { 1, -2, 3, 0.5f }, g[4] = { 1, 1, 2, 1 }, o[4];
    float r = gt_rmsnorm(o, x, g, 4, 1e-5f);
    double ms = (1 + 4 + 9 + 0.25) / 4;
    CHECK(fabs(r - 1 / sqrt(ms + 1e-5)) < 1e-6 && fabs(o[2] - 2 * 3 * r) < 1e-6, "rmsnorm: returns the inverse rms");
}

static int touch(const char *dir, const char *name, const char *text)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    if (!f) return -1;
    fputs(text, f);
    return fclose(f);
}

static int has(const char *dir, const char *name, const char *text)
{
    char p[512], b[64] = "";
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "r");
    if (!f) return 0;
    size_t n = fread(b, 1, sizeof b - 1, f);
    fclose(f);
    b[n] = 0;
    return strcmp(b, text) == 0;
}

static void test_fswap(void)
{
    char root[] = "/tmp/test_projXXXXXX", dst[600], tmp[600], cmd[700];
    if (!mkdtemp(root)) { CHECK(0, "fswap: temporary folder"); return; }
    snprintf(dst, sizeof dst, "%s/out", root);
    snprintf(tmp, sizeof tmp, "%s/out.tmp", root);
    struct stat sb;
    int ok = mkdir(tmp, 0755) == 0 && touch(tmp, "a", "new1") == 0;
    CHECK(ok && gt_folder_swap(tmp, dst) == 0 && has(dst, "a", "new1") && stat(tmp, &sb) != 0,
          "fswap: renamed into place when absent");
    ok = mkdir(tmp, 0755) == 0 && touch(tmp, "a", "new2") == 0 && touch(tmp, "b", "x") == 0;
    CHECK(ok && gt_folder_swap(tmp, dst) == 0 && has(dst, "a", "new2") && has(dst, "b", "x") && stat(tmp, &sb) != 0,
          "fswap: exchanged with the old folder, which is removed");
    const char *names[] = { "a", "b" };
    ok = mkdir(tmp, 0755) == 0 && touch(tmp, "a", "1") == 0;
    gt_folder_hold(tmp, -1, names, 2);
    gt_folder_release(1);
    CHECK(ok && stat(tmp, &sb) != 0, "fswap: a held folder released with remove is gone");
    snprintf(cmd, sizeof cmd, "rm -rf %s", root);
    if (system(cmd) != 0) CHECK(0, "fswap: clean up");
}

int main(void)
{
    test_table();
    test_merge();
    test_dtype();
    test_rope_rmsnorm();
    test_fswap();
    T_END();
}
