head -2 "$SHARED/data/arxiv/kaggle-first200.ndjson" | arxiv-extract --fields categories,title,report_no,license
