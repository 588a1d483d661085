# --help: usage on standard output, exit 0.
title-eval --help | head -3
title-eval -h | grep -c -- '--by-category'
