# No text at all: exit 65, no output file.
printf '\n\n' | tok-train -n 1000 -i text -o "$TMP/tok.json"
s=$?
ls "$TMP"
exit $s
