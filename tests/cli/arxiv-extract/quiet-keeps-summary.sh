{ echo "{oops"; echo "{oops"; } | arxiv-extract -q
