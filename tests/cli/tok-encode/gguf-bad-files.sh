# GGUF files whose tokenizer cannot be used (written by gguf_gen.py): an unknown
# tokenizer.ggml.pre, no tokens, a merge of tokens not in the vocabulary, no merges,
# a tokenizer kind other than llama and gpt2: a message naming the file and key, exit 65
cd $TMP
for k in ok unknown-pre no-tokens bad-merges no-merges bert; do
    python3 "$OLDPWD/gguf_gen.py" $k.gguf $k
    echo "ab<|end|>a b" | tok-encode -m $k.gguf -f ids 2>&1 | cut -c1-120
    echo "exit ${PIPESTATUS[1]}"
done
