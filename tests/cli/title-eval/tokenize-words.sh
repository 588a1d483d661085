# rouge-score's tokens (lower-case, Porter stemming beyond 3 letters) of 2500
# real words from arXiv titles and abstracts; the .out is rouge-score's own
# (tests/reference/rouge_reference.py tokens).
title-eval --tokenize "$TESTDATA/eval-words.txt"
