# No --model: the default model. GENTITLE_MODEL names its folder, GENTITLE_BASE
# the base's folder or the file: the titles equal those of the explicit
# command (the base as --model, the folder as --lora, its prompt_template.json
# as --template, its generation_config.json as options), and each of those
# defaults matters (without any one of them the titles differ); options given
# win; the folder's adapter.gguf is the same adapter; --lora-merge and --serve
# work on it (the server names base + folder and gives the same titles).
. ./default-model.inc
want=$(explicit)
echo "$want" | jq -c '[.[0], (.[2] | length)]'
[ "$(GENTITLE_MODEL=$F GENTITLE_BASE=$G tg)" = "$want" ] && echo "default = explicit"
[ "$(GENTITLE_MODEL=$F GENTITLE_BASE=$G/tiny-q8_0.gguf tg)" = "$want" ] && echo "GENTITLE_BASE as the file: the same"
echo '{"prompt_input": "Abstract: {input}\nTitle:", "prompt_no_input": "{instruction}\nTitle:",
      "response_split": "Title:", "max_input_tokens": 100}' > "$TMP/other.json"
for o in "--beams 4" "--no-repeat-ngram 0" "--encoder-repetition-penalty 1" "--max-new-tokens 64" \
         "--template $TMP/other.json" "--max-input-tokens 0"; do
    # shellcheck disable=SC2086
    [ "$(explicit $o 2>/dev/null)" != "$want" ] && echo "${o%% *} counts"
done
[ "$(tg --model "$G/tiny-q8_0.gguf" --template "$F/prompt_template.json" --beams 1 --no-repeat-ngram 2 \
      --encoder-repetition-penalty 2 --max-new-tokens 10)" != "$want" ] && echo "--lora counts"
[ "$(explicit --lora "$F/adapter.gguf")" = "$want" ] && echo "adapter.gguf = the PEFT adapter"
GENTITLE_MODEL=$F GENTITLE_BASE=$G tg --max-new-tokens 3 -b 2 | jq -c '"options win: \(.[2] | length) ids"'
[ "$(GENTITLE_MODEL=$F GENTITLE_BASE=$G tg --lora-merge)" = "$want" ] && echo "--lora-merge: the same"
. ./serve.inc
M=
export GENTITLE_MODEL=$F GENTITLE_BASE=$G
serve_start --serve 127.0.0.1:0
http GET /healthz
http POST /api/generate "$(jq -c '{abstract}' "$TMP/rec.jsonl")" 'Content-Type: application/json' > "$TMP/api"
[ "$(sed 's/^200 //' "$TMP/api" | jq -r '.titles[0].title')" = \
  "$(title-gen < "$TMP/rec.jsonl" | jq -r '.titles[0].title')" ] &&
    echo "--serve: the same title"
serve_stop
