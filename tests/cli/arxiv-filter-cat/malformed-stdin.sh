# standard input is named <stdin> in messages
printf '{"id":"1","categories":["cs.CL"]}\n\n{"id":"2","categories":"cs.CL"}\n' | arxiv-filter-cat cs.CL
