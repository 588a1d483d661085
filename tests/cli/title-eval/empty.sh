# No references: nothing to score, exit 65.
: > "$TMP/ref.jsonl"
title-eval --ref "$TMP/ref.jsonl"
