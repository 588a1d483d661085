# Usage error: extra-arg -> exit 64, nothing on standard output.
title-eval --ref x y
