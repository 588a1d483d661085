# an inconsistent config.json: exit 65 with the file and the key named
. ./tg-model.inc
jq '.num_attention_heads = 3' "$TESTDATA/tg-model/config.json" > "$M/config.json"
title-gen -m "$M" --text < "$ABS"
