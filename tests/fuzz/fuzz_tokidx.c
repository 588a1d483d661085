/* fuzz_tokidx.c - libFuzzer harness for token stream indexes (INDEX in
 * gentitle-tokens(5), gt_tokidx_open and gt_tokidx_read, lib/tok/tokstream.c)
 * together with their stream: each input is a 4-byte little-endian length L,
 * then L bytes of stream (fewer when the input is shorter), then the index;
 * when the pair opens, every record (and one past the last) is read. */
#include "tok/tokstream.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4) return 0;
    size_t l = (size_t)data[0] | (size_t)data[1] << 8 | (size_t)data[2] << 16 | (size_t)data[3] << 24;
    if (l > size - 4) l = size - 4;
    char err[1024];
    int code;
    const char *stream = fuzz_file(0, data + 4, l);
    gt_tokidx *x = gt_tokidx_open(fuzz_file(1, data + 4 + l, size - 4 - l), stream, err, sizeof err, &code);
    if (!x) return 0;
    int32_t *ids = NULL;
    size_t cap = 0;
    uint32_t n, resp;
    gt_tokidx_header(x);
    uint64_t count = gt_tokidx_count(x);
    for (uint64_t i = 0; i <= count && i < 4096; i++)
        if (gt_tokidx_read(x, i, &ids, &cap, &n, &resp) == 0 && (n > cap || resp > n)) abort();
    gt_tokidx_error(x);
    gt_tokidx_close(x);
    free(ids);
    return 0;
}
