# -o FILE: a run killed by SIGKILL before its rename leaves FILE.tmp.XXXXXX;
# the next run writing FILE removes it. Only exact names of that pattern are
# taken, and only regular files nobody holds: other names, a FIFO, a symbolic
# link and the temporary of a live run are left alone.
# (LeakSanitizer cannot run under strace: leak checks off there in the sanitizer build.)
M="$SHARED/models/llama2-tokenizer"
mkdir "$TMP/w" && cd "$TMP/w"
(ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 strace -f -qq -o /dev/null -e trace=rename -e inject=rename:signal=KILL:when=1 \
    tok-encode -m $M --text "$TESTDATA/tok-arxiv.txt" -o s; exit $?) 2>/dev/null
echo "killed: status $?"
names() { ls -A | grep -v '^in$' | sed -E '/(FIFO00|LINK00|abcdef)$/!s/tmp\.[A-Za-z0-9]{6}$/tmp.XXXXXX/' | sort; }
names
touch s.tmp.abcdefg s.tmp.abc s.tmp.ab-def other.tmp.abcdef; mkfifo s.tmp.FIFO00; ln -s /dev/null s.tmp.LINK00
mkfifo in
{ sleep 1; cat "$TESTDATA/tok-arxiv.txt"; } > in &
tok-encode -m $M --text in -o s &
live=$!
sleep 0.5
echo "while a run writes s:"; names
tok-encode -m $M --text "$TESTDATA/tok-arxiv.txt" -o s
echo "after another run:"; names
wait $live
echo "live run: status $?"
names
