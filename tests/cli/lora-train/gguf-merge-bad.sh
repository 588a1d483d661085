# --lora ADAPTER --merge-out OUT.gguf with an adapter that does not fit the
# GGUF base (the inputs of title-gen/gguf-lora-bad: adapters for another
# base and for another architecture, GGUF and PEFT adapters cut short), and
# a base with an unsupported tensor type: exit 65, the file and the tensor
# named as title-gen names them, and nothing written under the --merge-out
# name (an existing file there kept as it was).
. ../title-gen/gguf-bad-inputs.inc
echo old > $TMP/kept.gguf
for a in other-shape.gguf other-shape other-arch.gguf other-arch cut.gguf cut; do
    lora-train -m "$T/tiny-f16.gguf" --lora "$X/$a" --merge-out $TMP/m.gguf
    echo "$a: exit $?"
    lora-train -m "$T/tiny-f16.gguf" --lora "$X/$a" --merge-out $TMP/kept.gguf 2>/dev/null
done
lora-train -m "$X/iq4nl-base.gguf" --lora "$T/lora-q8_0" --merge-out $TMP/m.gguf
echo "iq4nl-base.gguf: exit $?"
ls $TMP
cat $TMP/kept.gguf
