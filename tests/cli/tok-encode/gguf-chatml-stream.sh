# pairs rendered by the shipped ChatML template (data/templates/chatml.json) and
# encoded with a GGUF chat model's tokenizer: the prompt's <|im_start|>/<|im_end|>
# are control tokens, the response is the title and EOS (<|im_end|>); no BOS, as the
# file's add_bos_token says; the stream decodes back with the same file
G=$SHARED/models/smollm2-135m-instruct/SmolLM2-135M-Instruct.Q4_1.gguf
head -2 "$TESTDATA/tok-pairs.jsonl" > $TMP/p
tok-encode -m "$G" --template "$DATA/templates/chatml.json" -f ids --pairs --eos $TMP/p | cut -d' ' -f1-12
tok-encode -m "$G" --template "$DATA/templates/chatml.json" -o $TMP/s $TMP/p
tok-decode -m "$G" -f json $TMP/s | jq -c '[(.prompt | .[0:60], .[-40:]), .response]'
