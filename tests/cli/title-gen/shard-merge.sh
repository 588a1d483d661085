# --shard K/N then --shard-merge gives the unsharded output byte for byte, for
# N = 1, 2, 3 and 9 (more shards than records), with bad lines (which count as
# records and leave an empty line in their shard's output) and a blank line
# (not a record), greedy and sampling (each line's seed is its line number's);
# each shard reports its own bad lines with their line numbers in the input
. ./tg-model.inc
{ jq -cR '{id: "a", abstract: .}' < "$ABS"; echo '{"id": "b", "abstract": '; echo
  echo '{"id": "c", "title": "no abstract"}'; jq -cR '{id: "d", abstract: .[0:120]}' < "$ABS"; echo '[1]'
  jq -cR '{id: "e", input: .}' < "$ABS"; jq -cR '{id: "f", abstract: .[40:]}' < "$ABS"; } > $TMP/in
for opts in "--beams 1" "--temperature 0.8 --seed 7"; do
    title-gen -m "$M" $opts --max-new-tokens 4 $TMP/in > $TMP/all 2> $TMP/all.err
    echo "unsharded: exit $?, $(wc -l < $TMP/all) lines"
    for N in 1 2 3 9; do
        files=
        : > $TMP/shards.err
        for K in $(seq 0 $((N - 1))); do
            title-gen -m "$M" $opts --max-new-tokens 4 --shard $K/$N $TMP/in > $TMP/out.$K 2>> $TMP/shards.err
            files="$files $TMP/out.$K"
        done
        title-gen --shard-merge $files > $TMP/merged
        st=$?
        cmp -s $TMP/merged $TMP/all && same=same || same=DIFFERENT
        grep ':[0-9]*: ' $TMP/all.err | sort > $TMP/a; grep ':[0-9]*: ' $TMP/shards.err | sort > $TMP/b
        cmp -s $TMP/a $TMP/b && msgs="same messages" || msgs="OTHER MESSAGES"
        echo "$opts N=$N: merge exit $st, $same, $msgs, empty lines in shards: $(cat $files | grep -c '^$')"
    done
done
