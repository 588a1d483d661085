abstract-clean --min-words 10 --max-words 5 < /dev/null
