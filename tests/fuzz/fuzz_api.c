/* fuzz_api.c - libFuzzer harness for the HTTP request body of title-gen
 * --serve's POST /api/generate (gt_api_request, lib/serve/api.c: the record
 * parser, the known keys, the texts and the decoding options): each input is
 * a body; when it is accepted, its abstract is cleaned as the server cleans
 * it before generating (lib/text/clean.c, title-gen's options). */
#include "serve/api.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static gt_cleaner *cl;
    static gt_gen_opts defaults;
    if (!cl) {
        gt_clean_opts co;
        gt_clean_opts_default(&co);
        cl = gt_cleaner_new(&co);
        gt_gen_opts_default(&defaults);
    }
    char why[300];
    gt_rec rec;
    gt_api_req q;
    gt_rec_init(&rec);
    if (gt_api_request(&rec, (const char *)data, size, &defaults, "Write a title.", 49152, 1024, &q, why,
                       sizeof why) == 0) {
        if (q.o.beams < 1 || q.o.beams > 16 || q.o.n < 1 || q.o.top_k < 0 || q.o.top_k > 49152 ||
            q.o.max_new_tokens < 1 || q.o.max_new_tokens > 1024 || !q.instr || !q.abs)
            abort();
        size_t n;
        gt_clean_text(cl, GT_TEXT_ABSTRACT, q.abs, q.nabs, &n);
    }
    gt_rec_free(&rec);
    return 0;
}
