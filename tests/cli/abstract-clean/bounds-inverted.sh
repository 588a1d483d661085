abstract-clean --min-words 50 --max-words 10 < /dev/null
