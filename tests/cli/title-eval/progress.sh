# --progress: a progress line on standard error even when not a terminal.
title-eval --ref "$SHARED/data/arxiv/kaggle-first200.ndjson" --bootstrap 0 --progress > /dev/null
