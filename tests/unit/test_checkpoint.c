/* test_checkpoint.c - safetensors writing, checkpoint read-back and its checks,
 * and the data loader's batching. */
#include "train/checkpoint.h"
#include "train/dataloader.h"
#include "nn/safetensors.h"
#include "tok/tokstream.h"
#include "t.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/test_checkpointXXXXXX";

static void flip(const char *path, long pos)
{
    FILE *f = fopen(path, "r+b");
    fseek(f, pos, pos < 0 ? SEEK_END : SEEK_SET);
    int c = fgetc(f);
    fseek(f, pos, pos < 0 ? SEEK_END : SEEK_SET);
    fputc(c ^ 1, f);
    fclose(f);
}

int main(void)
{
    if (!mkdtemp(dir)) return 1;
    char path[256], err[512];
    snprintf(path, sizeof path, "%s/a.safetensors", dir);
    float a[6] = { 1, 2, 3, 4, 5, 6 }, b[3] = { -1, 0.5f, 7 };
    gt_stw_tensor ts[2] = { { "x.weight", a, 2, { 2, 3 }, 0 }, { "y", b, 1, { 3 }, 0 } };
    const char *k[] = { "step", "note" }, *v[] = { "12", "a \"quoted\" value" };
    CHECK(gt_st_write(path, ts, 2, k, v, 2, 1, err, sizeof err) == 0, "write");

    /* the reader of model files accepts it */
    gt_st st;
    CHECK(gt_st_open(&st, path, err, sizeof err) == 0, "safetensors reader opens it");
    const gt_tensor *t = gt_st_find(&st, "x.weight");
    CHECK(t && t->ndim == 2 && t->shape[0] == 2 && t->shape[1] == 3 && t->dtype == GT_DT_F32 &&
          memcmp(t->data, a, sizeof a) == 0, "x.weight read back by gt_st");
    gt_st_close(&st);

    gt_ckpt c;
    CHECK(gt_ckpt_read(path, &c, err, sizeof err) == 0, "checkpoint read");
    CHECK_STR(gt_ckpt_meta(&c, "step"), "12", "meta step");
    CHECK_STR(gt_ckpt_meta(&c, "note"), "a \"quoted\" value", "meta with quotes");
    CHECK(gt_ckpt_meta(&c, "nope") == NULL, "absent meta");
    const gt_ck_tensor *y = gt_ckpt_tensor(&c, "y");
    CHECK(y && y->numel == 3 && memcmp(y->data, b, sizeof b) == 0, "tensor y");
    gt_ckpt_free(&c);

    /* corruption: a flipped data byte, truncation, no checksum, not a file */
    flip(path, -2);
    CHECK(gt_ckpt_read(path, &c, err, sizeof err) == -1 && strstr(err, "checksum mismatch"), "flipped byte");
    flip(path, -2);
    CHECK(gt_ckpt_read(path, &c, err, sizeof err) == 0, "flipped back");
    gt_ckpt_free(&c);
    CHECK(truncate(path, 40) == 0, "truncate");
    CHECK(gt_ckpt_read(path, &c, err, sizeof err) == -1 && strstr(err, "not a gentitle checkpoint"), "truncated header");
    CHECK(gt_st_write(path, ts, 2, k, v, 2, 0, err, sizeof err) == 0, "write without checksum");
    CHECK(gt_ckpt_read(path, &c, err, sizeof err) == -1 && strstr(err, "no checksum"), "no checksum refused");
    CHECK(gt_st_write(path, ts, 2, k, v, 2, 1, err, sizeof err) == 0, "rewrite");
    long full = 8;
    {
        FILE *f = fopen(path, "rb");
        fseek(f, 0, SEEK_END);
        full = ftell(f);
        fclose(f);
    }
    CHECK(truncate(path, full - 4) == 0, "truncate data");
    CHECK(gt_ckpt_read(path, &c, err, sizeof err) == -1 && strstr(err, "truncated"), "truncated data");
    snprintf(path, sizeof path, "%s/none", dir);
    CHECK(gt_ckpt_read(path, &c, err, sizeof err) == -1 && strstr(err, "cannot open"), "missing file");

    /* data loader: a stream of 10 examples of lengths 1..10 */
    gt_buf buf = { 0 };
    gt_ts_put_header(&buf, 2, 100, 77);
    int32_t ids[10];
    for (int i = 0; i < 10; i++) {
        for (int j = 0; j <= i; j++) ids[j] = i * 10 + j % 10;
        gt_ts_put_record(&buf, 2, ids, (uint32_t)i + 1, (uint32_t)(i / 2));
    }
    snprintf(path, sizeof path, "%s/s.tok", dir);
    FILE *f = fopen(path, "wb");
    fwrite(buf.p, 1, buf.n, f);
    fclose(f);
    gt_buf_free(&buf);
    gt_dataset d;
    uint64_t fp = 77, bad = 78;
    CHECK(gt_dataset_load(&d, path, 100, 10, "x", &fp, err, sizeof err) == 0 && d.n == 10 && d.maxlen == 10 &&
          d.tokens == 55, "dataset load");
    gt_dataset d2;
    CHECK(gt_dataset_load(&d2, path, 100, 10, "x", &bad, err, sizeof err) == -1 &&
          strstr(err, "stream was made with another tokenizer"), "fingerprint mismatch");
    CHECK(gt_dataset_load(&d2, path, 95, 10, "x", NULL, err, sizeof err) == -1 &&
          strstr(err, "example 10: token id 95 is outside"), "vocab check");
    CHECK(gt_dataset_load(&d2, path, 100, 9, "--cutoff-len 9", NULL, err, sizeof err) == -1 &&
          strstr(err, "example 10 has 10 tokens, more than --cutoff-len 9"), "length check");

    gt_epoch e1, e2, e3;
    gt_epoch_plan(&e1, &d, 2, 4, 5, 0);
    gt_epoch_plan(&e2, &d, 2, 4, 5, 0);
    gt_epoch_plan(&e3, &d, 2, 4, 5, 1);
    CHECK(e1.nb == 5 && memcmp(e1.ex, e2.ex, sizeof(size_t) * 10) == 0, "plan deterministic");
    CHECK(memcmp(e1.ex, e3.ex, sizeof(size_t) * 10) != 0, "epochs differ");
    int seen[10] = { 0 }, ok = 1;
    for (int i = 0; i < 10; i++) seen[e1.ex[i]]++;
    for (int i = 0; i < 10; i++) ok &= seen[i] == 1;
    CHECK(ok, "each example once per epoch");
    int32_t tok[20];
    uint8_t mask[20];
    int nseq, T = gt_batch_fill(&d, &e1, 0, tok, mask, 0, &nseq);
    size_t x0 = e1.ex[0], x1 = e1.ex[1];
    int l0 = (int)x0 + 1, l1 = (int)x1 + 1;
    CHECK(nseq == 2 && T == (l0 > l1 ? l0 : l1), "batch T is the longest");
    ok = 1;
    for (int t2 = 0; t2 < T; t2++) {
        ok &= tok[t2] == (t2 < l0 ? (int32_t)x0 * 10 + t2 : 0);
        ok &= mask[t2] == (t2 < l0 && t2 >= (int)(x0 / 2));
    }
    CHECK(ok, "tokens, padding and response mask");
    /* grouping by length: within a window of 4, batches pair similar lengths */
    gt_epoch_free(&e1); gt_epoch_free(&e2); gt_epoch_free(&e3);
    gt_dataset_free(&d);

    snprintf(path, sizeof path, "rm -rf %s", dir);
    if (system(path) != 0) return 1;
    T_END();
}
