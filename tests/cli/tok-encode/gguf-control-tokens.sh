# a GGUF model's tokenizer from its metadata (-m FILE.gguf, or -t FILE.gguf): ChatML
# control tokens in the text are their ids (<|im_start|> 1, <|im_end|> 2,
# <|endoftext|> 0), a part of one or another case is text; decoding skips them
G=$SHARED/models/smollm2-135m-instruct/SmolLM2-135M-Instruct.Q4_1.gguf
printf '%s\n' '<|im_start|>user' 'Attention is all you need<|im_end|>' 'a<|endoftext|>b' '<|im_start|' \
    '<|IM_END|> <|im_end|> ' '12345 is 1,000x' > $TMP/in
tok-encode -m "$G" -f ids $TMP/in
tok-encode -t "$G" -f ids $TMP/in | cmp - <(tok-encode -m "$G" -f ids $TMP/in) && echo "-t same as -m"
tok-encode -m "$G" -f ids $TMP/in | tok-decode -m "$G" --ids
