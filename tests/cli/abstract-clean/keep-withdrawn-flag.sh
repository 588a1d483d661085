printf "%s\n" "{\"title\":\"Real paper title\",\"abstract\":\"This paper has been withdrawn.\"}" | abstract-clean --min-words 0 --keep-withdrawn | jq -r .title
