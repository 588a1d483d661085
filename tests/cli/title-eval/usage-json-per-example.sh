# Usage error: json-per-example -> exit 64, nothing on standard output.
title-eval --ref x --json --per-example
