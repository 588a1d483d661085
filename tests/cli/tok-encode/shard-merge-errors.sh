# --shard-merge refuses streams that do not line up: out of shard order or of
# another N (a shard's header holds K and N), a plain stream among shards, a
# record too many, another tokenizer; a missing
# stream exits 66; --shard-merge takes no tokenizer
T="$SHARED/models/llama2-tokenizer"
for i in 1 2 3 4 5; do echo "line $i"; done > $TMP/text
for K in 0 1; do tok-encode -m "$T" --text --shard $K/2 $TMP/text > $TMP/s.$K; done
tok-encode -m "$T" --text $TMP/text > $TMP/plain
od -An -tu4 -j24 -N8 $TMP/s.1 | tr -s ' '
tok-encode --shard-merge $TMP/s.1 $TMP/s.0 > /dev/null; echo "out of order: exit $?"
tok-encode --shard-merge $TMP/s.0 $TMP/s.1 $TMP/s.1 > /dev/null; echo "another N: exit $?"
tok-encode --shard-merge $TMP/s.0 $TMP/plain > /dev/null; echo "a plain stream: exit $?"
tok-encode --shard-merge $TMP/plain | cmp - $TMP/plain && echo "one plain stream: copied"
echo "line 6" | tok-encode -m "$T" --text > $TMP/x; tail -c +33 $TMP/x >> $TMP/s.0; tail -c +33 $TMP/x >> $TMP/s.0
tok-encode --shard-merge -o $TMP/m $TMP/s.0 $TMP/s.1; echo "a record too many: exit $?, output kept: $([ -e $TMP/m ] && echo yes || echo no)"
tok-encode -t "$TESTDATA/hf-gpt2.tokenizer.json" --text --shard 1/2 $TMP/text > $TMP/g.1
tok-encode --shard-merge $TMP/s.0 $TMP/g.1 > /dev/null; echo "another tokenizer: exit $?"
tok-encode --shard-merge $TMP/s.0 $TMP/nothere > /dev/null; echo "missing: exit $?"
tok-encode --shard-merge -m "$T" $TMP/s.0 $TMP/s.1; echo "merge with a tokenizer: exit $?"
