# --merge-out: the base with the trained adapter merged in (W + alpha/r B A) is
# a full F32 model whose greedy titles (ids and scores) equal those of the base
# with the adapter kept apart, and differ from the base's; merging the written
# adapter later (--model --lora --merge-out) gives the same file.
head -4 "$TESTDATA/lt-pairs.jsonl" > "$TMP/abs.jsonl"
lora-train -m "$TESTDATA/lt-model" -t "$TESTDATA/lt-train.tok" -o "$TMP/ad" --batch-size 8 --max-steps 6 \
    --warmup-steps 1 --learning-rate 1e-2 --lora-dropout 0 --lora-target q,k,v,o,gate,up,down \
    --merge-out "$TMP/merged" -j 2 || exit 1
ls "$TMP/merged"
f="$TMP/merged/model.safetensors"
n=$(od -An -tu8 -N8 "$f" | tr -d ' ')
tail -c +9 "$f" | head -c "$n" | jq -r '[to_entries[] | select(.key != "__metadata__") | .value.dtype] | unique | join(",")'
cmp -s "$TESTDATA/lt-model/config.json" "$TMP/merged/config.json" && echo "config.json copied"
g() { title-gen "$@" -b 1 --max-new-tokens 8 --ids -j 1 < "$TMP/abs.jsonl" | jq -c '.titles | map([.ids, .score])'; }
a=$(g -m "$TESTDATA/lt-model" --lora "$TMP/ad")
b=$(g -m "$TMP/merged")
c=$(g -m "$TESTDATA/lt-model")
[ "$a" = "$b" ] && echo "merged = adapter kept apart"
[ "$a" != "$c" ] && echo "not the base model"
lora-train -m "$TESTDATA/lt-model" --lora "$TMP/ad" --merge-out "$TMP/m2" || exit 1
cmp -s "$f" "$TMP/m2/model.safetensors" && echo "standalone merge: same file"
