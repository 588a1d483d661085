# BOS and EOS of a tokenizer.json: the special token before $A in the TemplateProcessing post-processor (<|begin_of_text|> = 0), EOS by name (<|end_of_text|> = 1); GPT-2: <|endoftext|> both
echo "Deep learning" | tok-encode -t "$TESTDATA/hf-llama3.tokenizer.json" -f ids --bos --eos
echo "Deep learning" | tok-encode -t "$TESTDATA/hf-gpt2.tokenizer.json" -f ids --bos --eos
echo "Deep learning" | tok-encode -t "$TESTDATA/hf-spm.tokenizer.json" -f ids --bos --eos
