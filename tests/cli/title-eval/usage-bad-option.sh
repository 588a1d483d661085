# Usage error: bad-option -> exit 64, nothing on standard output.
title-eval --ref x --frobnicate
