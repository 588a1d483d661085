# --by-category without a value: the 10 most frequent categories.
title-eval --ref "$SHARED/data/arxiv/kaggle-first200.ndjson" --by-category --bootstrap 0 | sed -n '/^by primary/p;/^category/,$p' | awk 'NF == 6 && $2 ~ /^[0-9]+$/ {n++} END {print n " categories"}'
