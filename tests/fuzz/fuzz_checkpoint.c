/* fuzz_checkpoint.c - libFuzzer harness for lora-train's checkpoint reader
 * (gt_ckpt_read, lib/train/checkpoint.c): each input is a whole checkpoint
 * file; when it reads, every metadata key and tensor is looked up and the
 * last value of each tensor read. */
#include "train/checkpoint.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gt_ckpt c;
    char err[1024];
    volatile float sink = 0;
    if (gt_ckpt_read(fuzz_file(0, data, size), &c, err, sizeof err) != 0) return 0;   /* freed on failure */
    for (int i = 0; i < c.nmeta; i++)
        if (gt_ckpt_meta(&c, c.key[i]) == NULL) abort();
    for (int i = 0; i < c.nt; i++) {
        if (gt_ckpt_tensor(&c, c.t[i].name) == NULL) abort();
        if (c.t[i].numel) sink += c.t[i].data[c.t[i].numel - 1];
    }
    (void)sink;
    gt_ckpt_free(&c);
    return 0;
}
