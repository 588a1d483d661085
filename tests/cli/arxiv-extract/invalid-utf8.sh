f="$SHARED/data/arxiv/kaggle-first200.ndjson"
{ head -1 "$f"; sed -n 2p "$f" | sed "s/Sparsity/Sp\xffrsity/"; } | arxiv-extract --fields id
