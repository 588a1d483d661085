/* fuzz_tokenizer_json.c - libFuzzer harness for Hugging Face tokenizer.json
 * files (lib/tok/hf_tokenizer.c, through gt_tok_load_mem as tok-encode and
 * title-gen load them): each input is the whole file; when it loads, a fixed
 * text is encoded and decoded (tok_use.h). */
#include "tok_use.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[1024];
    if (size == 0 || data[0] != '{') return 0;     /* the other harness's files */
    gt_tok *t = gt_tok_load_mem(data, size, err, sizeof err);
    if (!t) return 0;
    fuzz_tok_use(t);
    gt_tok_free(t);
    return 0;
}
