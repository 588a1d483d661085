# The model folder's generation_config.json (Hugging Face's) gives the defaults
# of --beams (num_beams), --no-repeat-ngram (no_repeat_ngram_size),
# --encoder-repetition-penalty and --max-new-tokens; options given win; a bad
# value is an error naming the file.
. ./tg-model.inc
g() { title-gen -m "$M" --text --ids "$@" < "$ABS" | jq -c '[.titles[] | .ids]'; }
plain=$(g --max-new-tokens 12)
opts=$(g -b 2 --no-repeat-ngram 1 --encoder-repetition-penalty 10 --max-new-tokens 5)
[ "$plain" != "$opts" ] && echo "the options change the titles"
[ "$(g -b 2 --no-repeat-ngram 1 --max-new-tokens 5)" != "$opts" ] && echo "the penalty changes them"
echo '{"num_beams": 2, "no_repeat_ngram_size": 1, "encoder_repetition_penalty": 10.0, "max_new_tokens": 5,
       "do_sample": false, "eos_token_id": [2]}' > "$M/generation_config.json"
[ "$(g)" = "$opts" ] && echo "generation_config.json = the options"
[ "$(g --max-new-tokens 12 -b 4 --no-repeat-ngram 0 --encoder-repetition-penalty 1)" = "$plain" ] && echo "options win"
title-gen -m "$M" --text --ids --no-repeat-ngram 1 --max-new-tokens 30 -b 1 < "$ABS" |
    jq -r '.titles[0].ids | if (length == (unique | length)) then "no token twice" else "repeats" end'
echo '{"num_beams": 0}' > "$M/generation_config.json"
echo x | title-gen -m "$M" --text > /dev/null; echo "bad num_beams: $?"
echo '{"encoder_repetition_penalty": -1}' > "$M/generation_config.json"
echo x | title-gen -m "$M" --text > /dev/null; echo "bad encoder_repetition_penalty: $?"
echo x | title-gen -m "$M" --text --encoder-repetition-penalty 0 > /dev/null; echo "--encoder-repetition-penalty 0: $?"
exit 0
