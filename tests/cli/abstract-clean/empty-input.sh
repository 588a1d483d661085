abstract-clean < /dev/null; echo "rc=$?"
