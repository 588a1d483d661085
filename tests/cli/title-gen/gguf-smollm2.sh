# The shared SmolLM2 GGUF (Q4_1 blocks, tokenizer from its metadata) with the
# ChatML template on two real cs.CL records (arxiv-2025, as the dump has them):
# valid NDJSON, each record's fields kept as read and a non-empty "titles"
# array of a title with letters (no control-token text) and a score, exit 0.
# Structure only: the AVX-512, AVX2 and portable kernels round differently,
# so the words may differ between machines.
G=$SHARED/models/smollm2-135m-instruct/SmolLM2-135M-Instruct.Q4_1.gguf
IN=$TESTDATA/tg-gguf-records.ndjson
title-gen --model "$G" --template "$DATA/templates/chatml.json" -b 1 --max-new-tokens 12 "$IN" > $TMP/out
echo "exit $?"
echo "lines: $(wc -l < $TMP/out)"
jq -e . $TMP/out > /dev/null && echo "valid NDJSON"
jq -c 'del(.titles)' $TMP/out | cmp -s - <(jq -c . "$IN") && echo "fields kept, in order"
jq -c '[.id, (.titles | type), (.titles | length),
        (.titles[0].title | type == "string" and test("[A-Za-z]") and (test("<\\|") | not)),
        (.titles[0].score | type == "number" and . <= 0)]' $TMP/out
