arxiv-extract "$DATA/arxiv-sample.ndjson.zst" > "$TMP/r"
for m in keep strip text; do abstract-clean --latex $m "$TMP/r" > "$TMP/a"; abstract-clean --latex $m "$TMP/a" > "$TMP/b"; cmp "$TMP/a" "$TMP/b" && echo "$m same"; done
