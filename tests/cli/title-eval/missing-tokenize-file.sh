# --tokenize with an unopenable file: exit 66.
title-eval --tokenize "$TMP/nonexistent.txt"
