# A closed standard output ends tok-train quietly.
zstdcat "$DATA/arxiv-sample.ndjson.zst" | head -300 | arxiv-extract | tok-train -n 2000 -i records 2>"$TMP/err" | head -1
cat "$TMP/err"
