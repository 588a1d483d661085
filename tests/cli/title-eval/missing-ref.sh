# An unopenable reference file: exit 66.
title-eval --ref "$TMP/nonexistent.jsonl"
