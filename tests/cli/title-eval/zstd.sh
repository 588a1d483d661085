# zstd-compressed references and hypotheses read like plain ones.
zstd -q -c "$SHARED/data/arxiv/kaggle-first200.ndjson" > "$TMP/ref.jsonl.zst"
zstd -q -c "$TESTDATA/eval-hyp.jsonl" > "$TMP/hyp.zst"
title-eval --ref "$TMP/ref.jsonl.zst" --hyp "$TMP/hyp.zst" --json --bootstrap 0 | jq -c '[.examples, .systems[0].rouge1]'
