# a GGUF model given as the --lora adapter: exit 65, the file named
T=$TESTDATA/gguf
echo "An abstract." | title-gen -m "$T/tiny-q8_0.gguf" --lora "$T/tiny-f16.gguf" --text
