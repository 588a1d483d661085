# lora-train on a GGUF base with quantized weights (tiny-q4_k.gguf: every
# matrix Q4_K): the base stays in its blocks, the adapters train (8-bit
# products, and --exact: F32 products on the dequantized weights), both
# adapter layouts are written and title-gen takes the GGUF one; --full on it
# is refused (the whole model would be trained and written in 16/32 bits),
# and --load-8bit does not requantize blocks: a clear error, 65, in
# lora-train and title-gen
T=$TESTDATA/gguf
printf '{"instruction":"t","input":"An abstract.","output":"A title"}\n' |
    tok-encode -m "$T/tiny-q4_k.gguf" --template "$TESTDATA/lt-short.template.json" -o $TMP/s.tok
lora-train -m "$T/tiny-q4_k.gguf" -t $TMP/s.tok -o $TMP/out --max-steps 2 --lora-target q,k,v,o,gate,up,down \
    --log $TMP/log; echo "lora-train: exit $?"
ls $TMP/out
jq -r 'select(.type == "train") | "step \(.step): loss finite \(.loss < 1e9 and .loss > 0)"' $TMP/log
lora-train -m "$T/tiny-q4_k.gguf" -t $TMP/s.tok -o $TMP/exact --max-steps 1 --exact; echo "lora-train --exact: exit $?"
echo "An abstract." | title-gen -m "$T/tiny-q4_k.gguf" --lora $TMP/out/adapter.gguf --template "$TESTDATA/lt-short.template.json" --text --max-new-tokens 3 >/dev/null
echo "title-gen --lora adapter.gguf: exit $?"
lora-train -m "$T/tiny-q4_k.gguf" --full -t $TMP/s.tok -o $TMP/full --max-steps 1; echo "lora-train --full: exit $?"
lora-train -m "$T/tiny-q4_k.gguf" --load-8bit -t $TMP/s.tok -o $TMP/out8 --max-steps 1; echo "lora-train --load-8bit: exit $?"
echo "An abstract." | title-gen -m "$T/tiny-q4_k.gguf" --load-8bit --text; echo "title-gen --load-8bit: exit $?"
