# lora-train on a GGUF base with quantized weights (tiny-q4_k.gguf: every
# matrix Q4_K): the backward pass has no block form, so a clear error naming
# the tensor and its type, exit 65 (the stream itself is fine); --load-8bit
# does not requantize blocks: the same kind of error, 65, in lora-train and
# title-gen
T=$TESTDATA/gguf
printf '{"instruction":"t","input":"An abstract.","output":"A title"}\n' |
    tok-encode -m "$T/tiny-q4_k.gguf" --template "$TESTDATA/lt-short.template.json" -o $TMP/s.tok
lora-train -m "$T/tiny-q4_k.gguf" -t $TMP/s.tok -o $TMP/out --max-steps 1; echo "lora-train: exit $?"
lora-train -m "$T/tiny-q4_k.gguf" --load-8bit -t $TMP/s.tok -o $TMP/out --max-steps 1; echo "lora-train --load-8bit: exit $?"
echo "An abstract." | title-gen -m "$T/tiny-q4_k.gguf" --load-8bit --text; echo "title-gen --load-8bit: exit $?"
