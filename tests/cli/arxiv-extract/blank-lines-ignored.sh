printf "\n\n" | arxiv-extract; echo "exit $?"
