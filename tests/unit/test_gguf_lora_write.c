/* test_gguf_lora_write.c - GGUF LoRA adapters written (nn/gguf_write.h, the
 * GGUF writer; nn/lora.h gt_lora_write_gguf, what lora-train writes as
 * adapter.gguf).
 *
 * The committed PEFT adapters tests/data/gguf/lora-{f16,q8_0}/ (r 4, alpha 8,
 * q_proj, v_proj, down_proj of tiny-f16.gguf / tiny-q8_0.gguf) are written
 * as GGUF adapters by our writer; the bytes must equal the committed
 * ours-lora-{f16,q8_0}.gguf, the files llama.cpp was run on by
 * tests/reference/gguf_adapter_write_reference.py (it checked that
 * llama.cpp's logits with them are PEFT's, lora-logits.jsonl, and wrote
 * them as ours-lora-logits.jsonl). Read back by our own GGUF adapter loader
 * the file gives the PEFT folder's logits (1e-5), PEFT's own
 * (test_gguf_lora's tolerances) and llama.cpp's with the same file
 * (test_gguf_lora_gguf's tolerance).
 *
 * ours-lora-trained/ is lora-train's own output on tiny-f16.gguf (all seven
 * projections, so attn_k's lora_b too, permuted by n_kv_heads): the writer
 * run on its adapter_model.safetensors must give its adapter.gguf byte for
 * byte, and that file must give the PEFT folder's logits with our loader and
 * llama.cpp's (ours-lora-logits.jsonl) within the tolerance above; it has no
 * PEFT logits of its own (PEFT's path is test_gguf_lora's).
 *
 * GT_WRITE_FIXTURES=1 in the environment writes ours-lora-*.gguf anew
 * (then run the reference script). */
#include "t.h"
#include "gguf_fixture.h"
#include "nn/gguf.h"
#include "nn/gguf_write.h"
#include "nn/ggml_types.h"
#include "nn/lora.h"
#include "nn/model.h"
#include "nn/safetensors.h"
#include "core/util.h"
#include "io/file.h"
#include "io/json.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


static char err[1024];
static char tmpdir[64];

static int same_file(const char *a, const char *b)
{
    size_t na, nb;
    char *x = gt_read_file(a, 64u << 20, &na, err, sizeof err), *y = gt_read_file(b, 64u << 20, &nb, err, sizeof err);
    int same = x && y && na == nb && memcmp(x, y, na) == 0;
    free(x);
    free(y);
    return same;
}

/* ---------------------------------------------------------------- the writer */

static void test_writer(void)
{
    static const float a[3] = { 1.5f, -2.0f, 3.25f }, b[10] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 };
    for (int al = 0; al < 2; al++) {
        char path[128], name[160];
        snprintf(path, sizeof path, "%s/w%d.gguf", tmpdir, al);
        gt_ggufw *w = gt_ggufw_new();
        gt_ggufw_str(w, "general.architecture", "llama");
        gt_ggufw_f32(w, "x.f", 0.125f);
        if (al) gt_ggufw_u32(w, "general.alignment", 64);
        gt_ggufw_u32(w, "x.u", 4000000000u);
        int64_t na[1] = { 3 }, nb[2] = { 5, 2 };
        gt_ggufw_tensor_f32(w, "a", 1, na, a);
        gt_ggufw_tensor_f32(w, "b.weight", 2, nb, b);
        int wrote = gt_ggufw_write(w, path, err, sizeof err) == 0;
        gt_ggufw_free(w);
        gt_gguf g;
        int ok = wrote && gt_gguf_open(&g, path, err, sizeof err) == 0;
        if (!ok) printf("%s\n", err);
        uint32_t A = al ? 64 : 32;
        if (ok) {
            char *s = NULL;
            float f = 0;
            uint32_t u = 0;
            ok = g.version == 3 && g.alignment == A && g.nkv == (size_t)(al ? 4 : 3) && g.nt == 2 &&
                 gt_gguf_get_strdup(&g, "general.architecture", &s, err, sizeof err) == 0 && strcmp(s, "llama") == 0 &&
                 gt_gguf_get_f32(&g, "x.f", &f, err, sizeof err) == 0 && f == 0.125f &&
                 gt_gguf_get_u32(&g, "x.u", &u, err, sizeof err) == 0 && u == 4000000000u &&
                 g.data_offset % A == 0;
            free(s);
            const gt_gguf_tensor *ta = gt_gguf_tensor_find(&g, "a"), *tb = gt_gguf_tensor_find(&g, "b.weight");
            ok = ok && ta && tb && ta->type == 0 && tb->type == 0 && ta->ndim == 1 && ta->ne[0] == 3 && tb->ndim == 2 &&
                 tb->ne[0] == 5 && tb->ne[1] == 2 && (ta->offset - g.data_offset) % A == 0 &&
                 (tb->offset - g.data_offset) % A == 0 && tb->offset > ta->offset &&
                 memcmp(ta->data, a, sizeof a) == 0 && memcmp(tb->data, b, sizeof b) == 0 &&
                 g.size == g.data_offset + A + ((sizeof b + A - 1) / A) * A;
            gt_gguf_close(&g);
        }
        snprintf(name, sizeof name, "gguf write: v3, string/f32/u32 keys, F32 tensors at offsets aligned to %u, "
                 "read back by gt_gguf_open", A);
        CHECK(ok, name);
    }
    gt_ggufw *w = gt_ggufw_new();
    CHECK(gt_ggufw_write(w, "/no/such/dir/x.gguf", err, sizeof err) != 0 && strstr(err, "/no/such/dir/x.gguf"),
          "gguf write: a path that cannot be created: -1, named");
    gt_ggufw_free(w);
}

/* ---------------------------------------------------------------- PEFT fixtures as GGUF adapters */

typedef struct {
    const char *type, *base, *peft, *ours;
    int modules;        /* projections adapted */
    int trained;        /* lora-train's output (its adapter.gguf committed): no PEFT logits */
} fixture;

static const fixture fixtures[] = {
    { "F16", DIR "tiny-f16.gguf", DIR "lora-f16", DIR "ours-lora-f16.gguf", 3, 0 },
    { "Q8_0", DIR "tiny-q8_0.gguf", DIR "lora-q8_0", DIR "ours-lora-q8_0.gguf", 3, 0 },
    { "F16", DIR "tiny-f16.gguf", DIR "ours-lora-trained", DIR "ours-lora-trained/adapter.gguf", 7, 1 },
};

static int by_data(const void *a, const void *b)
{
    const char *x = (const char *)((const gt_stw_tensor *)a)->data, *y = (const char *)((const gt_stw_tensor *)b)->data;
    return x < y ? -1 : x > y;
}

/* Write the PEFT folder FX->peft (alpha 8) as a GGUF adapter at PATH, the
 * tensors in the file's order (RSLORA: PEFT's use_rslora). 0 ok. */
static int convert(const fixture *fx, const gt_config *c, const char *path, int rslora)
{
    char st_path[256];
    snprintf(st_path, sizeof st_path, "%s/adapter_model.safetensors", fx->peft);
    gt_st st;
    if (gt_st_open(&st, st_path, err, sizeof err) != 0) return -1;
    gt_stw_tensor *ts = gt_xcalloc((size_t)st.nt, sizeof *ts);
    int rc = 0;
    for (int i = 0; i < st.nt; i++) {
        if (st.t[i].dtype != GT_DT_F32) rc = -1;
        ts[i].name = st.t[i].name;
        ts[i].data = st.t[i].data;
        ts[i].ndim = st.t[i].ndim;
        ts[i].shape[0] = st.t[i].shape[0];
        ts[i].shape[1] = st.t[i].shape[1];
        ts[i].dtype = GT_DT_F32;
    }
    qsort(ts, (size_t)st.nt, sizeof *ts, by_data);     /* the file's order (gt_st sorts by name), as lora-train's */
    if (rc == 0) rc = gt_lora_write_gguf(path, c, 8.0, rslora, ts, st.nt, GT_GGML_F32, err, sizeof err);
    free(ts);
    gt_st_close(&st);
    return rc;
}

/* llama.cpp's logits with the adapter ADAPTER and prompt IDS from
 * ours-lora-logits.jsonl, and its tolerance: 0 found. */
static int llama_logits(const char *adapter, const int32_t *ids, int n, float *out, int V, double *tol)
{
    char *text = gt_read_file(DIR "ours-lora-logits.jsonl", 16u << 20, NULL, err, sizeof err);
    if (!text) return -1;
    int found = -1;
    for (char *line = text, *nl; *line && found < 0; line = nl + 1) {
        nl = strchr(line, '\n');
        if (nl) *nl = 0;
        yajl_val rec = *line ? gt_json_parse(line, err, sizeof err) : NULL;
        const char *ad = rec ? gt_json_str(rec, "adapter") : NULL;
        int32_t p[256];
        yajl_val le = rec ? gt_json_get(rec, "llama_exact") : NULL;
        if (ad && strcmp(ad, adapter) == 0 && ints_of(gt_json_get(rec, "prompt"), p, 256) == n &&
            memcmp(p, ids, sizeof(int32_t) * (size_t)n) == 0 && le && YAJL_IS_NUMBER(le) &&
            floats_of(gt_json_get(rec, "logits"), out, V) == 0) {
            *tol = 2 * YAJL_GET_DOUBLE(le) + 0.01 * max_abs(out, V);
            found = 0;
        }
        if (rec) yajl_tree_free(rec);
        if (!nl) break;
    }
    free(text);
    return found;
}

static int seen;

/* One record of lora-logits.jsonl (PEFT's logits) for the fixture FX, the
 * adapter written at PATH. */
static void one_prompt(const fixture *fx, gt_model *m, const char *path, yajl_val rec)
{
    int32_t ids[256];
    int np = ints_of(gt_json_get(rec, "prompt"), ids, 256), V = m->c.vocab_size;
    float *peft = gt_xmalloc(sizeof(float) * (size_t)V), *a = gt_xmalloc(sizeof(float) * (size_t)V),
          *b = gt_xmalloc(sizeof(float) * (size_t)V), *c = gt_xmalloc(sizeof(float) * (size_t)V),
          *ll = gt_xmalloc(sizeof(float) * (size_t)V);
    char name[300];
    int f16 = strcmp(fx->type, "F16") == 0;
    if (np <= 0 || floats_of(gt_json_get(rec, "logits"), peft, V)) { CHECK(0, "gguf lora write: fixture read"); goto out; }
    /* the PEFT folder and the GGUF file, kept apart */
    gt_lora *l = gt_lora_load(m, fx->peft, 0, err, sizeof err);
    int ok = l && last_logits(m, ids, np, a, 1, err, sizeof err) == 0;
    gt_lora_free(l);
    l = gt_lora_load(m, path, 0, err, sizeof err);
    ok = ok && l && fabs(gt_lora_scale(l) - 2.0) < 1e-12 && gt_lora_modules(l) == fx->modules &&
         last_logits(m, ids, np, b, 1, err, sizeof err) == 0;
    gt_lora_free(l);
    double d_apart = max_diff(a, b, V), d_peft = fx->trained ? NAN : max_diff(b, peft, V);     /* none: nan */
    /* and merge asked for (each on a model of its own: a merge leaves the weights merged) */
    const char *srcs[2] = { fx->peft, path };
    float *outs[2] = { a, c };
    for (int k = 0; k < 2; k++) {
        gt_model mm;
        if (gt_model_load(&mm, fx->base, err, sizeof err)) { ok = 0; break; }
        l = gt_lora_load(&mm, srcs[k], 1, err, sizeof err);
        ok = ok && l && last_logits(&mm, ids, np, outs[k], 1, err, sizeof err) == 0;
        gt_lora_free(l);
        gt_model_free(&mm);
    }
    if (!ok) printf("%s\n", err);
    double d_merge = max_diff(a, c, V);
    double peft_tol = f16 ? 1e-4 : 0.03 * max_abs(peft, V);
    double tol = 0, d_llama = INFINITY;
    int have_llama = llama_logits(fx->ours + strlen(DIR), ids, np, ll, V, &tol) == 0;
    if (have_llama) d_llama = max_diff(b, ll, V);
    printf("gguf lora write: %-17s %2d ids: max |GGUF file - PEFT folder| apart %.3g, merge asked %.3g; "
           "to PEFT's logits %.3g (tol %.3g); to llama.cpp's with the file %.4f (tol %.4f)\n",
           fx->peft + strlen(DIR), np, d_apart, d_merge, d_peft, peft_tol, d_llama, tol);
    snprintf(name, sizeof name, "gguf lora write: %s %d ids: the written file loads (%d projections, scale 2) and runs",
             fx->peft + strlen(DIR), np, fx->modules);
    CHECK(ok, name);
    snprintf(name, sizeof name, "gguf lora write: %s %d ids: the file's logits are the PEFT folder's (1e-5: apart, "
             "and merge asked)", fx->peft + strlen(DIR), np);
    CHECK(d_apart <= 1e-5 && d_merge <= 1e-5, name);
    if (!fx->trained) {
        snprintf(name, sizeof name, "gguf lora write: %s %d ids: and PEFT's own (lora-logits.jsonl)",
                 fx->peft + strlen(DIR), np);
        CHECK(d_peft <= peft_tol, name);
    }
    snprintf(name, sizeof name, "gguf lora write: %s %d ids: and llama.cpp's with the same file (ours-lora-logits.jsonl)",
             fx->peft + strlen(DIR), np);
    CHECK(have_llama && d_llama <= tol, name);
    seen++;
out:
    free(peft); free(a); free(b); free(c); free(ll);
}

static void test_fixture(const fixture *fx)
{
    char path[128], name[300];
    const char *regen = getenv("GT_WRITE_FIXTURES");
    gt_model m;
    if (gt_model_load(&m, fx->base, err, sizeof err)) { printf("%s\n", err); CHECK(0, "gguf lora write: base loads"); return; }
    if (regen && *regen == '1' && !fx->trained) {
        snprintf(path, sizeof path, "%s", fx->ours);
    } else {
        snprintf(path, sizeof path, "%s/%s", tmpdir, fx->ours + strlen(DIR));
        for (char *q = path + strlen(tmpdir) + 1; *q; q++)
            if (*q == '/') *q = '-';
    }
    int ok = convert(fx, &m.c, path, 0) == 0;
    if (!ok) printf("%s\n", err);
    snprintf(name, sizeof name, "gguf lora write: %s: %s written from %s, the bytes of the committed file (llama.cpp's "
             "input%s)", fx->type, fx->ours + strlen(DIR), fx->peft + strlen(DIR), fx->trained ? ", as lora-train wrote it" : "");
    CHECK(ok && same_file(path, fx->ours), name);

    /* the metadata and tensors llama.cpp reads */
    gt_gguf g;
    ok = ok && gt_gguf_open(&g, path, err, sizeof err) == 0;
    if (ok) {
        char *s1 = NULL, *s2 = NULL, *s3 = NULL;
        float alpha = 0;
        uint32_t al = 0;
        ok = gt_gguf_get_strdup(&g, "general.architecture", &s1, err, sizeof err) == 0 && !strcmp(s1, "llama") &&
             gt_gguf_get_strdup(&g, "general.type", &s2, err, sizeof err) == 0 && !strcmp(s2, "adapter") &&
             gt_gguf_get_strdup(&g, "adapter.type", &s3, err, sizeof err) == 0 && !strcmp(s3, "lora") &&
             gt_gguf_get_f32(&g, "adapter.lora.alpha", &alpha, err, sizeof err) == 0 && alpha == 8.0f &&
             gt_gguf_get_u32(&g, "general.alignment", &al, err, sizeof err) == 0 && al == 32 &&
             g.nt == (size_t)(2 * fx->modules);
        free(s1); free(s2); free(s3);
        const gt_gguf_tensor *qa = gt_gguf_tensor_find(&g, "blk.0.attn_q.weight.lora_a"),
                             *qb = gt_gguf_tensor_find(&g, "blk.0.attn_q.weight.lora_b"),
                             *db = gt_gguf_tensor_find(&g, "blk.0.ffn_down.weight.lora_b");
        ok = ok && qa && qb && db && qa->type == 0 && qa->ne[0] == m.c.dim && qa->ne[1] == 4 && qb->ne[0] == 4 &&
             qb->ne[1] == m.c.n_heads * m.c.head_dim && db->ne[0] == 4 && db->ne[1] == m.c.dim &&
             gt_gguf_tensor_find(&g, "blk.0.attn_v.weight.lora_a") && gt_gguf_tensor_find(&g, "blk.0.ffn_down.weight.lora_a");
        gt_gguf_close(&g);
    }
    snprintf(name, sizeof name, "gguf lora write: %s: llama.cpp's keys (architecture llama, type adapter, adapter.type "
             "lora, alpha 8 F32, alignment 32), %d tensors blk.0.NAME.weight.lora_a/b in ggml shapes",
             fx->peft + strlen(DIR), 2 * fx->modules);
    CHECK(ok, name);

    /* the logits, for each of the fixture's prompts */
    char *text = gt_read_file(DIR "lora-logits.jsonl", 16u << 20, NULL, err, sizeof err);
    for (char *line = text, *nl; line && *line; line = nl + 1) {
        nl = strchr(line, '\n');
        if (nl) *nl = 0;
        yajl_val rec = *line ? gt_json_parse(line, err, sizeof err) : NULL;
        const char *file = rec ? gt_json_str(rec, "file") : NULL;
        if (file && strcmp(file, fx->base + strlen(DIR)) == 0) one_prompt(fx, &m, path, rec);
        if (rec) yajl_tree_free(rec);
        if (!nl) break;
    }
    free(text);

    /* use_rslora: scale alpha / sqrt(r) = 4, llama.cpp's alpha / r with the file's alpha 8 sqrt(4) = 16 */
    if ((!regen || *regen != '1') && !fx->trained) {
        snprintf(path, sizeof path, "%s/rs.gguf", tmpdir);
        ok = convert(fx, &m.c, path, 1) == 0;
        float alpha = 0;
        if (ok && gt_gguf_open(&g, path, err, sizeof err) == 0) {
            ok = gt_gguf_get_f32(&g, "adapter.lora.alpha", &alpha, err, sizeof err) == 0 && alpha == 16.0f;
            gt_gguf_close(&g);
        } else {
            ok = 0;
        }
        gt_lora *l = ok ? gt_lora_load(&m, path, 0, err, sizeof err) : NULL;
        snprintf(name, sizeof name, "gguf lora write: %s: use_rslora: alpha 8 sqrt(r) = 16 in the file, read back as "
                 "PEFT's scale alpha / sqrt(r) = 4", fx->type);
        CHECK(ok && l && fabs(gt_lora_scale(l) - 4.0) < 1e-9, name);
        gt_lora_free(l);
    }
    gt_model_free(&m);
}

static void test_errors(void)
{
    gt_model m;
    if (gt_model_load(&m, DIR "tiny-f16.gguf", err, sizeof err)) { CHECK(0, "gguf lora write: base loads"); return; }
    float A[4 * 128] = { 0 }, B[128 * 4] = { 0 };
    char path[128];
    snprintf(path, sizeof path, "%s/bad.gguf", tmpdir);
    gt_stw_tensor t[2] = {
        { "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight", A, 2, { 4, 128 }, GT_DT_F32 },
        { "base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight", B, 2, { 128, 4 }, GT_DT_F32 },
    };
    CHECK(gt_lora_write_gguf(path, &m.c, 8, 0, t, 1, GT_GGML_F32, err, sizeof err) != 0 && strstr(err, "lora_A without lora_B") &&
          access(path, F_OK) != 0, "gguf lora write: a lora_A without its lora_B: refused, nothing written");
    t[1].name = "base_model.model.model.layers.3.self_attn.q_proj.lora_B.weight";
    CHECK(gt_lora_write_gguf(path, &m.c, 8, 0, t, 2, GT_GGML_F32, err, sizeof err) != 0 && strstr(err, "layers.3"),
          "gguf lora write: a layer the model lacks: refused, the tensor named");
    t[1].name = "base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight";
    t[1].shape[0] = 64;
    CHECK(gt_lora_write_gguf(path, &m.c, 8, 0, t, 2, GT_GGML_F32, err, sizeof err) != 0 && strstr(err, "[128, 4]"),
          "gguf lora write: a shape that does not fit the model: refused, the expected shape named");
    gt_model_free(&m);
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/gt-gguf-write-XXXXXX");
    if (!mkdtemp(tmpdir)) { perror("mkdtemp"); return 1; }
    test_writer();
    for (size_t i = 0; i < sizeof fixtures / sizeof *fixtures; i++) test_fixture(&fixtures[i]);
    CHECK(seen == 9, "gguf lora write: 9 prompts (lora-f16, lora-q8_0, ours-lora-trained x 3)");
    test_errors();
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) return 1;
    T_END();
}
