# a WordPiece tokenizer.json (BERT) is refused: only BPE models
echo '{"version":"1.0","model":{"type":"WordPiece","unk_token":"[UNK]","vocab":{"[UNK]":0,"a":1}}}' > $TMP/tokenizer.json
tok-encode -m $TMP -f ids < /dev/null
