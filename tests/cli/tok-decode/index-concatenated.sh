# a stream made with cat (headers in the middle) is indexed by --make-index; slices match the full decode (ids)
M="$SHARED/models/llama2-tokenizer"
tok-encode -m $M --text "$TESTDATA/tok-arxiv.txt" > $TMP/a
tok-encode -m $M "$TESTDATA/tok-pairs.jsonl" > $TMP/b
cat $TMP/a $TMP/b $TMP/a > $TMP/c
tok-decode --make-index $TMP/c.idx $TMP/c
od -An -tu8 -j24 -N8 $TMP/c.idx
tok-decode -m $M -f ids $TMP/c > $TMP/full
wc -l < $TMP/full
tok-decode -m $M -f ids --index $TMP/c.idx -r 545-560 -r 1113 $TMP/c > $TMP/part
(sed -n 546,561p $TMP/full; sed -n 1114p $TMP/full) | cmp - $TMP/part && echo same
tok-decode -m $M -f json --index $TMP/c.idx -r 550-551 $TMP/c
