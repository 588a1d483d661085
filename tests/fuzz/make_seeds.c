/* make_seeds.c - writes the binary seeds of tests/fuzz/seeds/ that need the
 * library to make (safetensors files, a checkpoint with its checksum, token
 * streams and an index), into the folders under DIR (tests/fuzz/seeds):
 *   cc -std=c11 -D_GNU_SOURCE -Ilib tests/fuzz/make_seeds.c build/libcore.a \
 *       -lyajl -lzstd -lpcre2-8 -lm -ldl -fopenmp -o build/make_seeds
 *   build/make_seeds tests/fuzz/seeds */
#include "core/buf.h"
#include "nn/safetensors.h"
#include "tok/tokstream.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *dir;

static const char *at(const char *sub)
{
    static char p[4096];
    snprintf(p, sizeof p, "%s/%s", dir, sub);
    return p;
}

static void put(const char *sub, const void *p, size_t n)
{
    FILE *f = fopen(at(sub), "wb");
    if (!f || fwrite(p, 1, n, f) != n || fclose(f) != 0) { perror(at(sub)); exit(1); }
}

static void st(const char *sub, gt_dtype dt, int nmeta, int checksum)
{
    static const float a[6] = { 1, -2, 0.5f, 3, 0, -0.25f }, b[3] = { 7, 8, 9 };
    gt_stw_tensor t[3] = {
        { .name = "model.layers.0.self_attn.q_proj.weight", .data = a, .ndim = 2, .shape = { 2, 3 }, .dtype = dt },
        { .name = "norm", .data = b, .ndim = 1, .shape = { 3 }, .dtype = dt },
        { .name = "scalar", .data = b, .ndim = 0, .dtype = dt },
    };
    const char *keys[] = { "gentitle.format", "step", "adam.step", "format" },
               *vals[] = { "gentitle-checkpoint 1", "3", "3", "pt" };
    char err[512];
    if (gt_st_write(at(sub), t, 3, keys, vals, nmeta, checksum, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        exit(1);
    }
}

/* A stream of VOCAB ids: a header, three records (one empty), with a second
 * header between them when TWICE. */
static void stream(gt_buf *b, uint32_t vocab, int twice)
{
    static const int32_t ids[] = { 1, 5, 9, 2, 0, 4, 3 };
    uint32_t w = (uint32_t)gt_ts_width(vocab);
    gt_ts_put_header(b, w, vocab, 0x1234567890abcdefull);
    gt_ts_put_record(b, w, ids, 4, 2);
    if (twice) gt_ts_put_header(b, w, vocab, 0x1234567890abcdefull);
    gt_ts_put_record(b, w, ids, 0, 0);
    gt_ts_put_record(b, w, ids + 4, 3, 1);
}

/* fuzz_tokidx's input: the stream's length (4 bytes LE), the stream, its index. */
static void tokidx(const char *sub, uint32_t vocab, int twice)
{
    gt_buf s = { 0 }, idx = { 0 }, in = { 0 };
    char err[512];
    stream(&s, vocab, twice);
    put("fuzz_tokidx/.stream", s.p, s.n);
    if (gt_tsidx_build(at("fuzz_tokidx/.stream"), &idx, err, sizeof err) != 0) { fprintf(stderr, "%s\n", err); exit(1); }
    remove(at("fuzz_tokidx/.stream"));
    unsigned char l[4] = { (unsigned char)s.n, (unsigned char)(s.n >> 8), (unsigned char)(s.n >> 16),
                           (unsigned char)(s.n >> 24) };
    gt_buf_add(&in, l, 4);
    gt_buf_add(&in, s.p, s.n);
    gt_buf_add(&in, idx.p, idx.n);
    put(sub, in.p, in.n);
    gt_buf_free(&s), gt_buf_free(&idx), gt_buf_free(&in);
}

int main(int argc, char **argv)
{
    if (argc != 2) { fprintf(stderr, "usage: make_seeds DIR\n"); return 64; }
    dir = argv[1];
    st("fuzz_safetensors/f32.safetensors", GT_DT_F32, 0, 0);
    st("fuzz_safetensors/f16-meta.safetensors", GT_DT_F16, 4, 0);
    st("fuzz_safetensors/bf16.safetensors", GT_DT_BF16, 1, 0);
    st("fuzz_checkpoint/checkpoint.safetensors", GT_DT_F32, 3, 1);
    gt_buf b = { 0 };
    stream(&b, 300, 0);
    put("fuzz_tokstream/w2.tok", b.p, b.n);
    b.n = 0;
    stream(&b, 70000, 1);
    put("fuzz_tokstream/w4-two-headers.tok", b.p, b.n);
    gt_buf_free(&b);
    tokidx("fuzz_tokidx/w2.bin", 300, 0);
    tokidx("fuzz_tokidx/w4-two-headers.bin", 70000, 1);
    return 0;
}
