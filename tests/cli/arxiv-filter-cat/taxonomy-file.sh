# --taxonomy FILE replaces the built-in taxonomy
printf 'code\tarchive\tgroup\talias_of\nfoo.AB\tfoo\tfoo\t\nfoo.CD\tfoo\tfoo\tfoo.AB\n' > $TMP/t.tsv
printf '{"id":"1","categories":["foo.CD"]}\n{"id":"2","categories":["cs.CL"]}\n' > $TMP/r.ndjson
arxiv-filter-cat --taxonomy $TMP/t.tsv foo.AB -i $TMP/r.ndjson
arxiv-filter-cat --taxonomy $TMP/t.tsv cs.CL -i $TMP/r.ndjson
