abstract-clean --latex tex < /dev/null
