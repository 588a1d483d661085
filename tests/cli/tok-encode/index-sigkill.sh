# -o STREAM --index INDEX killed by SIGKILL at any of its renames (strace kills
# it on entry to the K-th call of rename or renameat2): the two paths still
# lead to a stream and its own index, the old pair or the new one, and
# tok-decode --index accepts them. The next run removes the killed run's
# temporaries.
# (LeakSanitizer cannot run under strace: leak checks off there in the sanitizer build.)
M="$SHARED/models/llama2-tokenizer"
mkdir "$TMP/w" && cd "$TMP/w"
head -3 "$TESTDATA/tok-arxiv.txt" > short
view() { cat s s.idx 2>/dev/null | md5sum; }
mkdir a b
(cd a && tok-encode -m $M --text "$TESTDATA/tok-arxiv.txt" -o s --index s.idx) && old=$(cd a && view)
(cd b && tok-encode -m $M --text "$TMP/w/short" -o s --index s.idx) && new=$(cd b && view)
tok-encode -m $M --text "$TESTDATA/tok-arxiv.txt" -o s --index s.idx
for at in rename:1 rename:2 rename:3 renameat2:1 renameat2:2; do
    (ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 strace -f -qq -o /dev/null -e trace=rename,renameat2 -e inject=${at%:*}:signal=KILL:when=${at#*:} \
        tok-encode -m $M --text "$TMP/w/short" -o s --index s.idx; exit $?) 2>/dev/null
    st=$?
    v=$(view)
    if [ "$v" = "$old" ]; then what=old; elif [ "$v" = "$new" ]; then what=new; else what=MIXED; fi
    tok-decode -m $M --index s.idx -r 0 s > /dev/null 2>&1 && ok="index accepted" || ok="index refused"
    echo "killed at $at: $what, $ok ($([ $st = 137 ] && echo killed || echo "finished, status $st"))"
    echo "  temporaries left: $(ls -A | grep -c '\.tmp\.')"
    tok-encode -m $M --text "$TESTDATA/tok-arxiv.txt" -o s --index s.idx
done
echo "temporaries at the end: $(ls -A | grep -c '\.tmp\.')"
ls -A
