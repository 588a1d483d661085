# --resume with another learning rate is refused and nothing is written.
a="-m $TESTDATA/lt-model -t $TESTDATA/lt-train.tok --batch-size 8 --micro-batch-size 4 --max-steps 4 -j 1"
lora-train $a -o "$TMP/b" --stop-after 2 --log "$TMP/log" || exit 1
before=$(cd "$TMP" && find . -type f | sort | xargs md5sum)
lora-train $a --learning-rate 1e-3 -o "$TMP/b" --resume "$TMP/b/checkpoint-2" --log "$TMP/log"
rc=$?
after=$(cd "$TMP" && find . -type f | sort | xargs md5sum)
[ "$before" = "$after" ] || echo "files changed" >&2
exit $rc
