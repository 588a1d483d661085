# --init with a config far too large to train here is refused before anything is
# allocated, with the memory it would need (hidden_size 65536 allocated 17.7 GB
# without a word); run under a 4 GB address-space limit (not with
# AddressSanitizer, which reserves terabytes)
ldd "$(command -v lora-train)" | grep -q libasan || ulimit -v 4000000
jq '.hidden_size = 65536' "$TESTDATA/lt-model/config.json" > "$TMP/config.json"
lora-train --init "$TMP/config.json" -t "$TESTDATA/lt-train.tok" -o "$TMP/o"; echo "exit $?"
jq '.hidden_size = 65536 | .intermediate_size = 262144 | .num_attention_heads = 1024 | .num_key_value_heads = 1024
    | .vocab_size = 4194304 | .num_hidden_layers = 1024' "$TESTDATA/lt-model/config.json" > "$TMP/config.json"
lora-train --init "$TMP/config.json" -t "$TESTDATA/lt-train.tok" -o "$TMP/o"; echo "exit $?"
[ -e "$TMP/o" ] || echo "nothing written"
