# the repository's data/categories.tsv gives the same result as the built-in copy
arxiv-filter-cat --taxonomy $DATA/categories.tsv --list physics | cmp - <(arxiv-filter-cat --list physics) && echo same
