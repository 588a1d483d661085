arxiv-filter-cat --taxonomy $TMP/none.tsv cs < /dev/null
