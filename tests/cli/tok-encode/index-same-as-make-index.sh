# --index FILE (with -o) writes the same index as tok-decode --make-index builds afterwards, also with -j 2
tok-encode -m "$SHARED/models/llama2-tokenizer" --text "$TESTDATA/tok-arxiv.txt" -o $TMP/s --index $TMP/s.idx
tok-decode --make-index $TMP/s2.idx $TMP/s
cmp $TMP/s.idx $TMP/s2.idx && echo same
od -An -tx1 -N32 $TMP/s.idx
tok-encode -m "$SHARED/models/llama2-tokenizer" -j 2 "$TESTDATA/tok-pairs.jsonl" -o $TMP/p --index $TMP/p.idx
tok-decode --make-index $TMP/p2.idx $TMP/p
cmp $TMP/p.idx $TMP/p2.idx && echo same
