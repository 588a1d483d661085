abstract-clean < /dev/null; echo "exit $?"
