# sampling many candidates compares draws of equal length safely and returns
# distinct titles (seeds 1 and 4 once crashed here)
. ./tg-model.inc
for s in 1 4; do
  echo "x y z" | title-gen -m "$M" --text -t 1 -n 16 --max-new-tokens 200 --seed $s \
    | jq -r '[.titles[].title] | (length > 1) and (length == (unique | length))'
done
