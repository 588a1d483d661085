# suggestion by edit distance when no case-insensitive match
arxiv-filter-cat cond-mat.str-l < /dev/null
