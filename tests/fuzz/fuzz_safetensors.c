/* fuzz_safetensors.c - libFuzzer harness for the safetensors reader
 * (lib/nn/safetensors.c): each input is a whole .safetensors file (header
 * length, JSON header, data); when it opens, every tensor is looked up by
 * name and its first and last data bytes are read (inside the file, or the
 * mapping faults). */
#include "nn/safetensors.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gt_st st;
    char err[1024], shape[128];
    volatile unsigned char sink = 0;
    if (gt_st_open(&st, fuzz_file(0, data, size), err, sizeof err) != 0) return 0;
    for (int i = 0; i < st.nt; i++) {
        const gt_tensor *t = &st.t[i];
        if (gt_st_find(&st, t->name) == NULL) abort();
        gt_shape_str(t->shape, t->ndim, shape, sizeof shape);
        if (t->nbytes) {
            const unsigned char *p = t->data;
            sink ^= p[0];
            sink ^= p[t->nbytes - 1];
        }
    }
    (void)sink;
    gt_st_close(&st);
    return 0;
}
