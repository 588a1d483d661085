# a stream made with a GGUF file's tokenizer is refused with another tokenizer: the
# fingerprint covers the vocabulary, merges, pre-tokenizer and special ids
echo "Attention is all you need" | tok-encode -m "$SHARED/models/smollm2-135m-instruct/SmolLM2-135M-Instruct.Q4_1.gguf" --text > $TMP/s
tok-decode -m "$TESTDATA/gguf/llama2-spm.gguf" $TMP/s
