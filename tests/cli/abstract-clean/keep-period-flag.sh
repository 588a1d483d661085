printf "%s\n" "{\"title\":\"A result.\",\"abstract\":\"x\"}" | abstract-clean --min-words 0 --keep-period | jq -r .title
