# A run killed by SIGKILL at any of its renames (strace kills it on entry to
# the K-th call of rename or renameat2, before that call does anything; the
# old code made three renames, the new one makes one rename and one exchange):
# the three paths still lead to one run's splits, all old or all new, never a
# mixture. The killed runs' temporaries (PREFIX.gen.tmp.XXXXXX, nobody holding
# their lock any more) are removed by the next run; a live run's is kept.
# (LeakSanitizer cannot run under strace: leak checks off there in the sanitizer build.)
cd "$TMP"
data=$TESTDATA/pair-basic.jsonl
view() { cat x.train.jsonl x.val.jsonl x.test.jsonl 2>/dev/null | md5sum; }
mkdir a b
(cd a && pair-build --split 34:33:33 --seed 1 --out x "$data") && old=$(cd a && view)
(cd b && pair-build --split 34:33:33 --seed 2 --out x "$data") && new=$(cd b && view)
[ "$old" != "$new" ] || echo "the two runs give the same splits: no test"
pair-build --split 34:33:33 --seed 1 --out x "$data"
for at in rename:1 rename:2 rename:3 renameat2:1 renameat2:2; do
    (ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 strace -f -qq -o /dev/null -e trace=rename,renameat2 -e inject=${at%:*}:signal=KILL:when=${at#*:} \
        pair-build --split 34:33:33 --seed 2 --out x "$data"; exit $?) 2>/dev/null
    st=$?
    v=$(view)
    if [ "$v" = "$old" ]; then what=old; elif [ "$v" = "$new" ]; then what=new; else what=MIXED; fi
    echo "killed at $at: $what ($([ $st = 137 ] && echo killed || echo "finished, status $st"))"
    pair-build --split 34:33:33 --seed 1 --out x "$data" 2>/dev/null
done
echo "temporaries after the kills: $(ls -A | grep -c '\.tmp\.')"
(ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 strace -f -qq -o /dev/null -e trace=rename -e inject=rename:signal=KILL:when=1 pair-build --seed 2 --out x "$data"; exit $?) \
    2>/dev/null
echo "temporaries after one more kill: $(ls -A | grep -c '\.tmp\.')"
# a live run's temporary is not taken by another run
mkfifo in
{ sleep 1; cat "$data"; } > in &
pair-build --split 34:33:33 --seed 2 --out x in &
live=$!
sleep 0.5
pair-build --out x "$data"
echo "temporaries of the live run kept: $(ls -A | grep -c '\.tmp\.')"
wait $live
echo "live run: status $?"
[ "$(view)" = "$new" ] && echo "its splits are in place"
echo "temporaries at the end: $(ls -A | grep -c '\.tmp\.')"
