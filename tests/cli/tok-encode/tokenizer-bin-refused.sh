# llama2.c tokenizer.bin is not a SentencePiece model: clear error, exit 65
tok-encode -t "$SHARED/models/llama2-tokenizer/tokenizer.bin" -f ids < /dev/null
