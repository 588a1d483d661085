# --parallel: several abstracts at once give the same output, byte for byte and
# in input order, as one at a time (bad lines included: the same messages, in
# order, the same exit status), over two files; --strict stops at the first
# bad line with only the lines before it written; and titles come out as each
# abstract is read from a pipe, not when the input ends.
. ./tg-model.inc
i=0
while [ $i -lt 7 ]; do      # abstracts of different lengths, a bad line between some
    cut -c1-$((60 + 90 * i)) "$ABS" | jq -cR --arg id "r$i" '{id: $id, abstract: .}'
    [ $((i % 3)) = 1 ] && echo '{"id": "bad'$i'", "abstract": '
    i=$((i + 1))
done > "$TMP/a"
head -c 300 "$ABS" | jq -cR '{id: "s0", input: ., meta: {nested: [1, 2]}}' > "$TMP/b"
echo '{"id": "s1"}' >> "$TMP/b"
run() { title-gen -m "$M" --max-new-tokens 5 "$@"; }
run -j1 --parallel 1 "$TMP/a" "$TMP/b" > "$TMP/o1" 2> "$TMP/e1"; s1=$?
run -j3 --parallel 3 "$TMP/a" "$TMP/b" > "$TMP/o3" 2> "$TMP/e3"; s3=$?
run -j2 "$TMP/a" "$TMP/b" > "$TMP/o2" 2> "$TMP/e2"; s2=$?
run -j4 --parallel 2 "$TMP/a" "$TMP/b" > "$TMP/o4" 2> /dev/null    # 2 threads a worker (nested teams)
cmp -s "$TMP/o1" "$TMP/o4" && echo "same output with 2 workers of 2 threads"
echo "records out: $(wc -l < "$TMP/o1"), ids: $(jq -r .id "$TMP/o1" | tr '\n' ' ')"
cmp -s "$TMP/o1" "$TMP/o3" && cmp -s "$TMP/o1" "$TMP/o2" && echo "same output with 1, 3 and the default workers"
cmp -s "$TMP/e1" "$TMP/e3" && cmp -s "$TMP/e1" "$TMP/e2" && echo "same messages: $(grep -c . "$TMP/e1")"
echo "exit: $s1 $s3 $s2"
run -j3 --parallel 3 --strict "$TMP/a" > "$TMP/os" 2> "$TMP/es"; echo "strict: exit $?, ids $(jq -r .id "$TMP/os" | tr '\n' ' ')"
grep -c 'a:3: ' "$TMP/es"
# a pipe whose writer stays open: the first abstract's titles before the end
mkfifo "$TMP/f"
run -j2 --parallel 2 < "$TMP/f" > "$TMP/op" &
exec 3> "$TMP/f"
head -1 "$TMP/a" >&3
n=0
while [ ! -s "$TMP/op" ] && [ $n -lt 300 ]; do sleep 0.1; n=$((n + 1)); done
[ -s "$TMP/op" ] && echo "titles before the input ended: $(jq -r .id "$TMP/op")"
sed -n 2p "$TMP/a" >&3
exec 3>&-
wait
jq -r .id "$TMP/op" | tr '\n' ' '; echo
# a shard (placeholders for its bad lines: 3 of its 6 records) is the same with 3 workers as with 1
run -j1 --parallel 1 --shard 0/2 "$TMP/a" "$TMP/b" > "$TMP/s1" 2> /dev/null
run -j3 --parallel 3 --shard 0/2 "$TMP/a" "$TMP/b" > "$TMP/s3" 2> /dev/null
cmp -s "$TMP/s1" "$TMP/s3" && echo "shard 0/2: the same with 3 workers, $(wc -l < "$TMP/s1") lines, $(grep -c "^$" "$TMP/s1") placeholders"
