# a record whose length claims 1,800,000,000 ids, followed by 6 bytes: "truncated"
# at once, without first making room for the 3.6 GB it claims (checked under a
# 1 GB address-space limit, except with AddressSanitizer, which reserves terabytes)
echo "Attention" | tok-encode -m "$SHARED/models/llama2-tokenizer" --text | head -c 32 > $TMP/s
printf '\000\322\111\153\000\000\000\000abcdef' >> $TMP/s      # 1800000000 ids, response start 0
ldd "$(command -v tok-decode)" | grep -q libasan || ulimit -v 1000000
tok-decode -m "$SHARED/models/llama2-tokenizer" $TMP/s
