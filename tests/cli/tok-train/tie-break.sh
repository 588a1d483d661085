# Highest count first ("▁a", 4), then among equal counts the lexicographically
# smallest pair by bytes ("<" < "a" < "c" < "▁", a shorter prefix first); no
# merge joins across "▁"; a merge that would spell "<s>" (a special piece) is skipped.
set -e
printf 'ab ab cd cd\na<s> a<s>\n' > "$TMP/t"
tok-train -n 2000 -i text "$TMP/t" | jq -c '.model.merges, (.model.vocab | length)'
