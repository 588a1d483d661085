# --seed: the same seed gives the same intervals, another seed other ones;
# the means do not change.
a=$(title-eval --ref "$SHARED/data/arxiv/kaggle-first200.ndjson" --json --seed 7 --bootstrap 100 | jq -c '.systems[0]')
b=$(title-eval --ref "$SHARED/data/arxiv/kaggle-first200.ndjson" --json --seed 7 --bootstrap 100 | jq -c '.systems[0]')
c=$(title-eval --ref "$SHARED/data/arxiv/kaggle-first200.ndjson" --json --seed 8 --bootstrap 100 | jq -c '.systems[0]')
[ "$a" = "$b" ] && echo same seed, same result
[ "$a" != "$c" ] && echo other seed, other intervals
[ "$(echo "$a" | jq .rouge1)" = "$(echo "$c" | jq .rouge1)" ] && echo same means
