# A UTF-8 byte order mark at the start of an input file (as Windows editors
# write one) is skipped by every tool that reads lines (lib/io/input.c), plain
# or zstd: the first record is read, not reported as invalid JSON.
head -3 "$SHARED/data/arxiv/kaggle-first200.ndjson" > "$TMP/dump"
{ printf '\357\273\277'; cat "$TMP/dump"; } > "$TMP/dump-bom"
zstd -q -c "$TMP/dump-bom" > "$TMP/dump-bom.zst"
arxiv-extract "$TMP/dump" > "$TMP/rec"
for f in "$TMP/dump-bom" "$TMP/dump-bom.zst"; do
    arxiv-extract "$f" | cmp -s - "$TMP/rec" && echo "arxiv-extract: same records"
done
{ printf '\357\273\277'; cat "$TMP/rec"; } > "$TMP/rec-bom"
abstract-clean "$TMP/rec-bom" | cmp -s - <(abstract-clean "$TMP/rec") && echo "abstract-clean: same records"
abstract-clean "$TMP/rec" | pair-build > "$TMP/pairs"
{ printf '\357\273\277'; cat "$TMP/pairs"; } > "$TMP/pairs-bom"
M="$SHARED/models/llama2-tokenizer/tokenizer.model"
tok-encode -t "$M" -f ids --pairs "$TMP/pairs-bom" | cmp -s - <(tok-encode -t "$M" -f ids --pairs "$TMP/pairs") &&
    echo "tok-encode: same ids"
printf '\357\273\277caf\303\251\n' | tok-encode -t "$M" -f ids
printf 'caf\303\251\n' | tok-encode -t "$M" -f ids
