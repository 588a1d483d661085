# --val-set-size is recorded in the checkpoint: resuming with another value is refused.
a="-m $TESTDATA/lt-model -t $TESTDATA/lt-train.tok --batch-size 8 --micro-batch-size 4 --max-steps 4 -j 1"
lora-train $a --val-set-size 4 -o "$TMP/b" --stop-after 2 || exit 1
lora-train $a --val-set-size 4 -o "$TMP/c" --resume "$TMP/b/checkpoint-2" || exit 1
echo "same value resumes"
lora-train $a --val-set-size 5 -o "$TMP/b" --resume "$TMP/b/checkpoint-2"
