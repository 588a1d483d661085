# a truncated copy of the shared GGUF (its tensor data cut short): exit 65,
# the message names the file and the tensor whose data is past the end
head -c 3000000 "$SHARED/models/smollm2-135m-instruct/SmolLM2-135M-Instruct.Q4_1.gguf" > $TMP/cut.gguf
echo "An abstract." | title-gen --model $TMP/cut.gguf --template "$DATA/templates/chatml.json" --text
