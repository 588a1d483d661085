# an NDJSON line nested 400,000 levels deep is one malformed record, reported
# FILE:LINE like any other (yajl_tree_free recursed past the stack: SIGSEGV)
{ echo '{"id":"1","title":"Graph decompositions","abstract":"We study graph decompositions."}'
  printf '{"id":"2","title":"x","abstract":'; head -c 400000 /dev/zero | tr '\0' '['
  head -c 400000 /dev/zero | tr '\0' ']'; echo '}'
  echo '{"id":"3","title":"Deep nets","abstract":"Deep nets are deep."}'; } > "$TMP/ref.jsonl"
cd "$TMP" || exit 1
title-eval --ref ref.jsonl --bootstrap 0 > /dev/null
