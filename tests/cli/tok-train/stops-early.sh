# Too little text for the vocabulary asked: a warning, the smaller vocabulary.
set -e
printf 'abc abc abd\n' | tok-train -n 5000 -i text | jq -c '(.model.vocab | length), .model.merges'
