# zstd-compressed input is detected by its magic number
zstd -q -c $TESTDATA/filter-mix.ndjson > $TMP/mix.zst
arxiv-filter-cat 'cs.*' -i $TMP/mix.zst | cmp - <(arxiv-filter-cat 'cs.*' -i $TESTDATA/filter-mix.ndjson) && echo same
