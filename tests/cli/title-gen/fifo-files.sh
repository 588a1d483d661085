# A FIFO (or another file that is not a regular file) where a model, tokenizer
# or adapter file is expected is refused at once with the file named, instead of
# hanging in open() for a writer that never comes.
. ./tg-model.inc
try() {  # $1: what is a FIFO; the rest: title-gen's arguments
    what=$1; shift
    timeout 10 title-gen "$@" --text < "$ABS" > /dev/null 2> "$TMP/err"
    echo "$what: exit $? $(sed "s|$TMP|TMP|g" "$TMP/err" | head -1)"
}
for f in config.json model.safetensors tokenizer.model; do
    rm -rf "$TMP/m"; cp -r "$M" "$TMP/m"; rm "$TMP/m/$f"; mkfifo "$TMP/m/$f"
    try "$f" -m "$TMP/m"
done
rm -rf "$TMP/m"; cp -r "$M" "$TMP/m"; mkfifo "$TMP/m/generation_config.json"
try generation_config.json -m "$TMP/m"
for f in adapter_config.json adapter_model.safetensors; do
    rm -rf "$TMP/a"; cp -r "$TESTDATA/tg-lora-tg" "$TMP/a"; rm "$TMP/a/$f"; mkfifo "$TMP/a/$f"
    try "$f" -m "$M" --lora "$TMP/a"
done
mkfifo "$TMP/model.gguf"
try model.gguf -m "$TMP/model.gguf"
mkfifo "$TMP/tpl.json"
cp -r "$M" "$TMP/t"; mkfifo "$TMP/t/prompt_template.json"
try prompt_template.json -m "$TMP/t"
try "--template FILE" -m "$M" --template "$TMP/tpl.json"
