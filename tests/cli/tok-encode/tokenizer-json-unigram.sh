# a Unigram tokenizer.json (T5, ALBERT) is refused: only BPE models
echo '{"version":"1.0","model":{"type":"Unigram","unk_id":0,"vocab":[["<unk>",0.0],["a",-1.0]]}}' > $TMP/tokenizer.json
tok-encode -t $TMP/tokenizer.json -f ids < /dev/null
