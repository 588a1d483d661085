/* fuzz_config.c - libFuzzer harness for a model's config.json (gt_config_parse,
 * lib/nn/load.c): each input is the file's text; when it is accepted, the
 * shape of every projection is computed from it. */
#include "nn/model.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_cstr(data, size), err[1024];
    gt_config c;
    if (gt_config_parse(&c, text, "config.json", err, sizeof err) == 0) {
        int out, in;
        for (int p = 0; p < GT_PROJ_N; p++) gt_proj_dims(&c, p, &out, &in);
    }
    free(text);
    return 0;
}
