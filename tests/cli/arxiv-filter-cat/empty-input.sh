# empty input: no output, success
arxiv-filter-cat cs < /dev/null
