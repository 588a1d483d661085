f="$SHARED/data/arxiv/kaggle-first200.ndjson"
{ head -1 "$f"; sed -n 2p "$f" | head -c 300; echo; sed -n 3p "$f"; } > "$TMP/in"
arxiv-extract --fields id "$TMP/in"
