/* fuzz_spm_model.c - libFuzzer harness for SentencePiece tokenizer.model files
 * (the protobuf reader lib/tok/spm_model.c, and the tokenizer built on it
 * through gt_tok_load_mem): each input is the whole file; the model is parsed
 * alone, then loaded as a tokenizer, which encodes and decodes a fixed text
 * (tok_use.h). */
#include "tok_use.h"
#include "tok/spm_model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[1024];
    gt_spm_model m;
    if (gt_spm_model_parse(&m, data, size, err, sizeof err) == 0) gt_spm_model_free(&m);
    if (size && data[0] == '{') return 0;           /* the other harness's files */
    gt_tok *t = gt_tok_load_mem(data, size, err, sizeof err);
    if (!t) return 0;
    fuzz_tok_use(t);
    gt_tok_free(t);
    return 0;
}
