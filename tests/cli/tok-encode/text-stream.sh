# --text: one document per line, BOS/EOS, response start 0; decodes back to the lines (blank lines are skipped)
head -20 "$TESTDATA/tok-arxiv.txt" | grep -v "^\$" > $TMP/in
tok-encode -m "$SHARED/models/llama2-tokenizer" --text $TMP/in | tok-decode -m "$SHARED/models/llama2-tokenizer" | cmp - $TMP/in && echo same
