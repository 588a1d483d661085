arxiv-extract --help | head -1; arxiv-extract -h | grep -c -- --fields
