# A character seen fewer than --min-frequency times gets no piece: it falls
# back to its UTF-8 bytes (é = <0xC3><0xA9>, ids 198 172); with
# --min-frequency 1 it has a piece.
set -e
printf 'caf\xc3\xa9 cafe cafe\n' > "$TMP/t"
for m in 2 1; do
  tok-train -n 300 -i text --min-frequency $m -o "$TMP/tok.json" "$TMP/t"
  printf 'caf\xc3\xa9\n' | tok-encode -t "$TMP/tok.json" -f ids
done
