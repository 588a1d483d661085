arxiv-extract --fields id,titel < /dev/null
