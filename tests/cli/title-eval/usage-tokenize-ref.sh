# Usage error: tokenize-ref -> exit 64, nothing on standard output.
title-eval --tokenize --ref x
