# a file named *.gguf that is not one (text, or a wrong magic) gets the GGUF
# reader's message in every tool that takes a model, exit 65 (it was taken for
# a llama2.c checkpoint or a model folder before: 65 or 66 with another
# kind's message)
echo "not a model" > $TMP/text.gguf
printf 'GGUx\003\000\000\000' > $TMP/magic.GGUF
for f in $TMP/text.gguf $TMP/magic.GGUF; do
    echo "An abstract." | title-gen -m $f --text; echo "title-gen: exit $?"
    echo "An abstract." | tok-encode -m $f -f ids; echo "tok-encode: exit $?"
    echo "1 2" | tok-decode -m $f --ids; echo "tok-decode: exit $?"
    lora-train -m $f -t "$TESTDATA/lt-train.tok" -o $TMP/out; echo "lora-train: exit $?"
done
