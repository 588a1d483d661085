# --format ids --shard K/N then --shard-merge gives the unsharded lines byte
# for byte, for N = 1, 2, 3 and 12: text with empty lines (an empty line of
# ids, a record's output) and a line over --max-line (no output: a "-" line
# in its shard); pairs (--pairs) with malformed and blank lines; -j 2. Then
# what the merge refuses: shards out of order, a title-gen shard among ids
# shards (another placeholder), --index with lines of ids, shards of another N.
T="$SHARED/models/llama2-tokenizer"
{ echo 'one line'; echo; echo 'two lines'; printf 'x%.0s' $(seq 300); echo; echo; echo 'three'; } > $TMP/text
{ head -3 "$TESTDATA/tok-pairs.jsonl"; echo 'not json'; echo; sed -n 4,5p "$TESTDATA/tok-pairs.jsonl"; } > $TMP/pairs
run() {     # NAME OPTIONS...: the unsharded run, then the shards merged
    name=$1; shift
    tok-encode -q -m "$T" -f ids "$@" -o $TMP/all
    echo "$name unsharded: exit $?, $(wc -l < $TMP/all) lines"
    for N in 1 2 3 12; do
        files=
        for K in $(seq 0 $((N - 1))); do
            tok-encode -q -j 2 -m "$T" -f ids "$@" --shard $K/$N -o $TMP/s.$K
            files="$files $TMP/s.$K"
        done
        tok-encode --shard-merge -o $TMP/m $files
        st=$?
        cmp -s $TMP/m $TMP/all && same=same || same=DIFFERENT
        tok-encode --shard-merge $files | cmp -s - $TMP/all && out=same || out=DIFFERENT
        echo "$name N=$N: merge exit $st, lines $same, to standard output $out, placeholders $(cat $files | grep -c '^-$')"
        [ $N = 3 ] && { head -1 $TMP/s.2; for K in 0 1 2; do cp $TMP/s.$K $TMP/k.$K; done; }
        rm -f $files
    done
}
run text --max-line 200 $TMP/text 2> /dev/null
run pairs --pairs $TMP/pairs 2> /dev/null
tok-encode --shard-merge $TMP/k.1 $TMP/k.0 $TMP/k.2 > /dev/null; echo "out of order: exit $?"
printf '{"gentitle-shard":"1/3"}\n' > $TMP/tg.1
tok-encode --shard-merge $TMP/k.0 $TMP/tg.1 $TMP/k.2 > /dev/null; echo "a title-gen shard: exit $?"
tok-encode --shard-merge -o $TMP/m2 --index $TMP/m2.idx $TMP/k.0 $TMP/k.1 $TMP/k.2; echo "--index: exit $?"
tok-encode --shard-merge $TMP/k.0 $TMP/k.1 > /dev/null; echo "2 of 3 shards: exit $?"
