# a tokenizer with more ids than the model's vocabulary: exit 65
mkdir $TMP/m
cp "$TESTDATA/model-gqa-f32/config.json" "$TESTDATA/model-gqa-f32/model.safetensors" $TMP/m/
cp "$SHARED/models/llama2-tokenizer/tokenizer.model" $TMP/m/
title-gen -m $TMP/m --text < /dev/null
