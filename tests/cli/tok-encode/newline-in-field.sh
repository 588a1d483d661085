# a field with a line break is encoded whole, "\n" as the byte piece <0x0A> (13), as Python sentencepiece encode() does
printf "%s\n" "{\"instruction\":\"i\",\"input\":\"\",\"output\":\"a\\nb\"}" | tok-encode -m "$SHARED/models/llama2-tokenizer" -f ids --pairs --no-bos --no-eos | awk "{print \$(NF-2), \$(NF-1), \$NF}"
