arxiv-extract --bogus
