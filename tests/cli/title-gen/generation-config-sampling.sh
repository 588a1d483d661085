# generation_config.json's do_sample, temperature, top_k, top_p and
# repetition_penalty are honoured as the defaults of --temperature, --top-k,
# --top-p and --repetition-penalty (do_sample false: no sampling, whatever
# temperature says; do_sample true without top_k: Hugging Face's 50); options
# given win. Any other key title-gen does not know is named in one warning
# (max_word_repeats is known).
. ./tg-model.inc
g() { title-gen -m "$M" --text --ids --max-new-tokens 8 "$@" < "$ABS" | jq -c '[.titles[] | .ids]'; }
cfg() { echo "$1" > "$M/generation_config.json"; }
greedy=$(g -b 1)
sampled=$(g -t 0.7 --top-k 5 --top-p 0.9 --seed 3)
[ "$greedy" != "$sampled" ] && echo "sampling changes the titles"
cfg '{"do_sample": true, "temperature": 0.7, "top_k": 5, "top_p": 0.9}'
[ "$(g --seed 3)" = "$sampled" ] && echo "do_sample true: = -t 0.7 --top-k 5 --top-p 0.9"
[ "$(g --seed 3 -b 1)" = "$greedy" ] && echo "--beams given: no sampling"
cfg '{"do_sample": true}'
[ "$(g --seed 3)" = "$(g --seed 3 -t 1 --top-k 50)" ] && echo "do_sample true alone: = -t 1 --top-k 50"
cfg '{"do_sample": false, "temperature": 0.7, "top_k": 5, "num_beams": 1}'
[ "$(g)" = "$greedy" ] && echo "do_sample false: greedy"
cfg '{"num_beams": 1}'
rep=$(g --repetition-penalty 0.3)
[ "$rep" != "$greedy" ] && echo "--repetition-penalty changes the titles"
cfg '{"num_beams": 1, "repetition_penalty": 0.3}'
[ "$(g)" = "$rep" ] && echo "repetition_penalty 0.3: = --repetition-penalty 0.3"
[ "$(g --repetition-penalty 1)" = "$greedy" ] && echo "the option wins"
cfg '{"num_beams": 1, "length_penalty": 2.0, "max_word_repeats": 2, "early_stopping": true, "eos_token_id": 2}'
g 2> "$TMP/err" > /dev/null
cat "$TMP/err" | sed "s|$M|MODEL|"
cfg '{"do_sample": 1}'
echo x | title-gen -m "$M" --text > /dev/null; echo "bad do_sample: $?"
cfg '{"repetition_penalty": 0}'
echo x | title-gen -m "$M" --text > /dev/null; echo "bad repetition_penalty: $?"
echo x | title-gen -m "$M" --text --repetition-penalty 0 > /dev/null; echo "--repetition-penalty 0: $?"
exit 0
