# --strict: stop at the first bad line, write nothing.
printf '{"input": "a", "output": "b"}\nnot json\n' > "$TMP/p"
tok-train -n 300 --strict -o "$TMP/tok.json" "$TMP/p"
s=$?
ls "$TMP"
exit $s
