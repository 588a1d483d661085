# The split of a record depends on its id and the seed only: reversed or shuffled
# input gives the same files, up to line order.
. ./records.inc
tac "$TMP/r2000.jsonl" > "$TMP/rev"
python3 -c 'import random,sys; l=open(sys.argv[1]).readlines(); random.Random(7).shuffle(l); open(sys.argv[2],"w").writelines(l)' "$TMP/r2000.jsonl" "$TMP/shuf"
pair-build --split 80:10:10 --out "$TMP/a" "$TMP/r2000.jsonl"
pair-build --split 80:10:10 --out "$TMP/b" "$TMP/rev"
pair-build --split 80:10:10 --out "$TMP/c" < "$TMP/shuf"
for s in train val test; do
    sort "$TMP/a.$s.jsonl" > "$TMP/sa"; sort "$TMP/b.$s.jsonl" > "$TMP/sb"; sort "$TMP/c.$s.jsonl" > "$TMP/sc"
    cmp -s "$TMP/sa" "$TMP/sb" && cmp -s "$TMP/sa" "$TMP/sc" && echo "$s same" || echo "$s differs"
done
# and standard output with a split key agrees with the files
pair-build --split 80:10:10 "$TMP/rev" | grep -c '"split":"test"'
wc -l < "$TMP/a.test.jsonl"
