# arxiv-extract-like records: every key kept in order, "titles" appended, an old "titles" replaced
. ./tg-model.inc
head -3 "$SHARED/data/arxiv/kaggle-first200.ndjson" | jq -c '{id, title, abstract, categories: [.categories], doi, titles: "old"}' > $TMP/in
title-gen -m "$M" --beams 2 --max-new-tokens 4 $TMP/in | jq -c '[keys_unsorted, (.titles | length), .id]'
