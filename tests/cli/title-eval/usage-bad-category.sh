# Usage error: bad-category -> exit 64, nothing on standard output.
title-eval --ref x --by-category=0
