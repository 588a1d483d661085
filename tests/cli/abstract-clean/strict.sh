set -o pipefail; printf "%s\n" "{\"title\":\"Good one\",\"abstract\":\"x\"}" "{bad" "{\"title\":\"Also good\",\"abstract\":\"y\"}" | abstract-clean --strict --min-words 0 | jq -r .title
