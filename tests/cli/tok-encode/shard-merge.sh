# --shard K/N then --shard-merge gives the unsharded stream and index byte for
# byte, for N = 1, 2, 3 and 12 (more shards than records): pairs with
# malformed lines, a blank line (not a record) and an example --cutoff-len
# leaves out, each record without an example a repeated header in its shard's
# stream (which the shard's --index skips, as tok-decode --make-index does);
# plain text with empty lines (records without an example); -j 2
T="$SHARED/models/llama2-tokenizer"
{ head -3 "$TESTDATA/tok-pairs.jsonl"; echo 'not json'; echo; sed -n 4,6p "$TESTDATA/tok-pairs.jsonl"; echo '[1]'
  echo '{"instruction":"i","input":"x","output":"'"$(printf 'long %.0s' $(seq 200))"'"}'; } > $TMP/pairs
{ echo 'one line'; echo; echo 'two lines'; echo; echo; echo 'three'; } > $TMP/text
run() {     # NAME OPTIONS...: the unsharded run, then the shards merged
    name=$1; shift
    tok-encode -q -m "$T" "$@" -o $TMP/all --index $TMP/all.idx
    echo "$name unsharded: exit $?, $(tok-decode -m "$T" -f ids $TMP/all | wc -l) records"
    for N in 1 2 3 12; do
        files= idx=same
        for K in $(seq 0 $((N - 1))); do
            tok-encode -q -j 2 -m "$T" "$@" --shard $K/$N -o $TMP/s.$K --index $TMP/s.$K.idx
            tok-decode --make-index $TMP/mk.idx $TMP/s.$K
            cmp -s $TMP/mk.idx $TMP/s.$K.idx || idx=DIFFERENT
            files="$files $TMP/s.$K"
        done
        tok-encode --shard-merge -o $TMP/m --index $TMP/m.idx $files
        st=$?
        cmp -s $TMP/m $TMP/all && cmp -s $TMP/m.idx $TMP/all.idx && same=same || same=DIFFERENT
        tok-encode --shard-merge $files | cmp -s - $TMP/all && out=same || out=DIFFERENT
        echo "$name N=$N: merge exit $st, stream and index $same, to standard output $out," \
             "shards readable: $(cat $files | tok-decode -m "$T" -f ids | wc -l) records, their indexes $idx"
        rm -f $files
    done
}
run pairs --cutoff-len 128 $TMP/pairs 2> /dev/null
run text --text $TMP/text
