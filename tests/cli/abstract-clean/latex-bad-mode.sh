abstract-clean --latex html < /dev/null
