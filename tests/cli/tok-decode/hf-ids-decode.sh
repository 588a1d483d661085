# ids of a byte-level (GPT-2) and a SentencePiece-style tokenizer.json decoded as tokenizers' decode(ids, skip_special_tokens=True) does: byte-level bytes back, invalid UTF-8 as U+FFFD, byte fallback, the prepended space stripped, special tokens dropped
head -60 "$TESTDATA/hf-gpt2.ids" | tok-decode -t "$TESTDATA/hf-gpt2.tokenizer.json" --ids -f json
head -60 "$TESTDATA/hf-spm.ids" | tok-decode -t "$TESTDATA/hf-spm.tokenizer.json" --ids -f json
