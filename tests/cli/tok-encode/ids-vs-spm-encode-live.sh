# 1500 records of the 2020 dump, titles and abstracts, per line and cleaned, against spm_encode when it is installed
set -e
zstdcat "$SHARED/data/arxiv/arxiv-2020.ndjson.zst" | head -1500 > $TMP/recs
jq -r ".title, .abstract" $TMP/recs > $TMP/lines
jq -r "(.title, .abstract) | gsub(\"\\\\s+\"; \" \")" $TMP/recs >> $TMP/lines
tok-encode -m "$SHARED/models/llama2-tokenizer" -f ids -j 2 $TMP/lines > $TMP/ours
if command -v spm_encode >/dev/null; then
    spm_encode --model "$SHARED/models/llama2-tokenizer/tokenizer.model" --output_format=id < $TMP/lines > $TMP/ref
    cmp $TMP/ours $TMP/ref
fi
echo "$(wc -l < $TMP/ours) lines"
