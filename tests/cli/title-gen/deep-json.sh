# a config.json, a safetensors header and an adapter_config.json nested 400,000
# levels deep (800 KB) are refused with the file named, before a tree is built
# (yajl_tree_free recursed past the stack: SIGSEGV)
. ./tg-model.inc
deep() { head -c 400000 /dev/zero | tr '\0' '['; head -c 400000 /dev/zero | tr '\0' ']'; }
{ printf '{"x":'; deep; echo '}'; } > "$M/config.json"
title-gen -m "$M" --text < "$ABS"; echo "config.json: exit $?"
cp "$TESTDATA/tg-model/config.json" "$M/"
{ printf '\000\065\014\000\000\000\000\000'; deep; } > "$M/model.safetensors"     # header: 800000 bytes
title-gen -m "$M" --text < "$ABS"; echo "model.safetensors: exit $?"
cp "$TESTDATA/tg-model/model.safetensors" "$M/"
mkdir "$TMP/lora" && cp "$TESTDATA/tg-lora-tg/adapter_model.safetensors" "$TMP/lora/"
{ printf '{"x":'; deep; echo '}'; } > "$TMP/lora/adapter_config.json"
title-gen -m "$M" --lora "$TMP/lora" --text < "$ABS"; echo "adapter_config.json: exit $?"
