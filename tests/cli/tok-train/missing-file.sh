tok-train -n 300 -i text "$TMP/nope"
