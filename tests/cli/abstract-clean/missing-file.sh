abstract-clean "$TMP/nope.ndjson"
