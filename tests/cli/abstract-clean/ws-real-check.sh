# no leading/trailing/double spaces, tabs or newlines left in any title/abstract
abstract-clean "$TESTDATA/clean-first20.ndjson" | jq -r '.title, .abstract' | grep -cE "^ | \$|  |$(printf '\t')|$(printf '\r')" || true
abstract-clean "$TESTDATA/clean-first20.ndjson" | jq -r '.title, .abstract' | wc -l
