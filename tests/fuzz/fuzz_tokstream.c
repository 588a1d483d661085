/* fuzz_tokstream.c - libFuzzer harness for binary token streams
 * (gentitle-tokens(5), lib/tok/tokstream.c): each input is a whole stream;
 * it is read record by record, then indexed with gt_tsidx_build, and when
 * that works every record is read again through the index it made. */
#include "tok/tokstream.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[1024];
    const char *path = fuzz_file(0, data, size);
    int32_t *ids = NULL;
    size_t cap = 0;
    uint32_t n, resp;
    gt_tsr *r = gt_tsr_open(path, err, sizeof err);
    if (r) {
        while (gt_tsr_next(r, &ids, &cap, &n, &resp) == 1) {
            if (n > cap || resp > n) abort();
            gt_tsr_last_offset(r);
        }
        gt_tsr_error(r);
        gt_tsr_records(r);
        gt_tsr_offset(r);
        gt_tsr_close(r);
    }
    gt_buf idx = { 0 };
    if (gt_tsidx_build(path, &idx, err, sizeof err) == 0) {
        int code;
        gt_tokidx *x = gt_tokidx_open(fuzz_file(1, (const uint8_t *)idx.p, idx.n), path, err, sizeof err, &code);
        if (!x) abort();                           /* an index it made itself opens */
        for (uint64_t i = 0; i < gt_tokidx_count(x); i++)
            if (gt_tokidx_read(x, i, &ids, &cap, &n, &resp) != 0) abort();
        gt_tokidx_close(x);
    }
    gt_buf_free(&idx);
    free(ids);
    return 0;
}
