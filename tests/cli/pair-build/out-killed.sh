# A run killed by SIGTERM (here: while waiting on a fifo that stays open)
# leaves the old output files as they were and no temporary files.
mkdir "$TMP/w" && cd "$TMP/w"
for s in train val test; do echo "old $s" > "x.$s.jsonl"; done
mkfifo in
{ cat "$TESTDATA/pair-basic.jsonl"; exec sleep 5; } > in &
writer=$!
timeout -s TERM 1 pair-build --out x in &
run=$!
sleep 0.5
echo "temporaries while running: $(ls | grep -c '\.tmp\.') ($(ls -d x.gen.tmp.?????? | sed 's/[^.]*$/XXXXXX/'))"
wait "$run"
echo "status $?"
kill "$writer" 2>/dev/null
wait
ls -A | grep -v '^in$'
cat x.train.jsonl x.val.jsonl x.test.jsonl
