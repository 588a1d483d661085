# under a date filter, a date that is not YYYY-MM-DD is malformed
printf '{"id":"1","categories":["cs.CL"],"v1_date":"2020-01-01"}\n{"id":"2","categories":["cs.CL"],"v1_date":"Mon, 1 Jan 2020"}\n' | arxiv-filter-cat --since 2019-01-01 cs.CL
