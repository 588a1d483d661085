# The LoRA dropout masks are the same on every kernel path (the AVX-512 one
# draws 32 at a time, the portable one each alone): 3 steps with dropout 0.3
# give the same losses to 1e-5 with GT_KERNELS=portable (the float products
# differ only in rounding), and dropout 0 gives other losses (from step 2:
# at step 1 B is zero, the LoRA branch adds nothing)
a="-m $TESTDATA/lt-model -t $TESTDATA/lt-train.tok --batch-size 4 --micro-batch-size 4 --max-steps 3 --warmup-steps 0 --learning-rate 1e-2 --lora-dropout 0.3 --lora-target q,k,v,o,gate,up,down -j 1"
GT_KERNELS=portable lora-train $a -o "$TMP/p" --log "$TMP/p.log" || exit 1
lora-train $a -o "$TMP/v" --log "$TMP/v.log" || exit 1
lora-train $a --lora-dropout 0 -o "$TMP/z" --log "$TMP/z.log" || exit 1
loss() { jq -r 'select(.type == "train") | .loss' "$1"; }
paste <(loss "$TMP/p.log") <(loss "$TMP/v.log") <(loss "$TMP/z.log") |
    awk 'NR > 1 { d = $1 - $2; if (d < 0) d = -d; z = $3 - $2; if (z < 0) z = -z
           print "step " NR ": paths " (d <= 1e-5 * $2 ? "agree" : "DIFFER " $1 " " $2) ", dropout " (z > 1e-5 * $2 ? "matters" : "DOES NOT MATTER") }'
