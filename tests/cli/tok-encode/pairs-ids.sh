# --format ids --pairs: the ids of each example, BOS first and EOS last
tok-encode -m "$SHARED/models/llama2-tokenizer" -f ids --pairs --bos --eos "$TESTDATA/tok-pairs.jsonl" | awk "{print NF, \$1, \$NF}"
