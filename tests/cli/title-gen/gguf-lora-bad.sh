# --lora on a GGUF base with an adapter that does not fit: exit 65 and a
# message naming the file and, where there is one, the tensor: adapters for
# another base (tiny-q4_k's, 256 wide, on the 128-wide tiny-f16: the tensor
# and both shapes named), for another architecture (GGUF:
# general.architecture "gemma"; PEFT: GPT-NeoX's target modules), a GGUF
# adapter cut short and a PEFT adapter_model.safetensors cut short (the
# tensor whose data is missing named); and a GGUF base with a tensor type
# that is not supported (IQ4_NL).
. ./gguf-bad-inputs.inc
for a in other-shape.gguf other-shape other-arch.gguf other-arch cut.gguf cut; do
    echo "An abstract." | title-gen -m "$T/tiny-f16.gguf" --lora "$X/$a" --template "$TESTDATA/lt-short.template.json" \
        --instruction t --text -b 1 --max-new-tokens 2
    echo "$a: exit $?"
done
echo "An abstract." | title-gen -m "$X/iq4nl-base.gguf" --template "$TESTDATA/lt-short.template.json" --text
echo "iq4nl-base.gguf: exit $?"
