# --out writes PREFIX.{train,val,test}.jsonl, replacing old files, and leaves
# no temporary file; together they hold every pair of the standard output.
# The three are links into the generation folder PREFIX.gen.
cd "$TMP"
mkdir d
for s in train val test; do echo old > "d/x.$s.jsonl"; done
pair-build --split 50:25:25 --out d/x "$TESTDATA/pair-basic.jsonl"
ls -A d d/x.gen
for s in train val test; do echo "x.$s.jsonl -> $(readlink d/x.$s.jsonl)"; done
grep -c old d/x.*.jsonl
cat d/x.train.jsonl d/x.val.jsonl d/x.test.jsonl | sort > all
pair-build "$TESTDATA/pair-basic.jsonl" | sort | cmp - all && echo "same pairs"
