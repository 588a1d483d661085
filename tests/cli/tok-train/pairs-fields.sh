# Pairs (the default input): input and output fields; --fields output learns
# from titles only.
set -e
tok-train -n 400 "$TESTDATA/lt-pairs.jsonl" | jq -c '(.model.vocab | length), .model.merges[:6]'
tok-train -n 400 --fields output "$TESTDATA/lt-pairs.jsonl" | jq -c '(.model.vocab | length), .model.merges[:6]'
