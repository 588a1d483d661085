# --ids: decoding the ids of the hard strings equals spm_decode --input_format=id (committed fixture)
tok-decode -m "$SHARED/models/llama2-tokenizer" --ids "$TESTDATA/tok-hard.ids" | cmp - "$TESTDATA/tok-hard.dec" && echo same
