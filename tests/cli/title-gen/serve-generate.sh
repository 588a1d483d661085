# POST /api/generate gives the titles the batch mode gives for the same
# abstract: greedy, beam search with n-best, and seeded sampling
. ./serve.inc
serve_start --serve 127.0.0.1:0 --max-new-tokens 8
abs=$(jq -Rs 'rtrimstr("\n")' "$ABS")
api() { http POST /api/generate "$1" | sed 's/,"ms":[0-9]*}$/}/'; }
api "{\"abstract\": $abs, \"beams\": 1}" | tee "$TMP/greedy"
title-gen -m "$M" --text --beams 1 --max-new-tokens 8 < "$ABS" | jq -c '{titles}' > "$TMP/batch"
[ "$(cut -d' ' -f2- "$TMP/greedy")" = "$(cat "$TMP/batch")" ] && echo "greedy: same as the batch mode"
api "{\"abstract\": $abs, \"beams\": 4, \"n\": 2}"
title-gen -m "$M" --text -n 2 --max-new-tokens 8 < "$ABS" | jq -c '{titles}'
api "{\"abstract\": $abs, \"temperature\": 0.8, \"top_k\": 40, \"top_p\": 0.9, \"seed\": 7, \"n\": 2, \"max_new_tokens\": 5}"
api "{\"abstract\": $abs, \"temperature\": 0.8, \"top_k\": 40, \"top_p\": 0.9, \"seed\": 7, \"n\": 2, \"max_new_tokens\": 5}"
api "{\"abstract\": $abs, \"instruction\": \"Write a title.\", \"beams\": 1, \"max_new_tokens\": 4}"
http POST /api/generate "{\"abstract\": $abs, \"beams\": 1}" | grep -Eq '"ms":[0-9]+}$' && echo "ms: present"
serve_stop
