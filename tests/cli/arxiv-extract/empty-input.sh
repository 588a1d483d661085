arxiv-extract < /dev/null; printf "" | zstd -q -c | arxiv-extract; echo "exit $?"
