# a taxonomy without the required columns is a data error
printf 'code\tname\ncs.CL\tx\n' > $TMP/t.tsv
arxiv-filter-cat --taxonomy $TMP/t.tsv cs < /dev/null
