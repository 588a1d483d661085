# Non-ASCII letters separate tokens as in rouge-score (its tokenizer keeps only
# a-z 0-9 after Python's lower()), except U+0130 (capital I with dot) and
# U+212A (Kelvin sign), which lower-case to ASCII; punctuation, digits,
# hyphens, a stray byte; the .out is rouge-score's own output. Standard input.
printf '%s\n' \
    'Schrödinger Equations: Naïve Café Straße — ﬁnance' \
    $'\xc4\xb0STANBUL \xc4\xb0stanbul and 5\xe2\x84\xaaelvin at 3\xe2\x84\xaa' \
    'GPT-3: A Large-Scale Model of 2,048 tokens!' \
    'Flies, dies, cried, skies, dying, news, happy, generalizations' \
    '' \
    $'!!! ... ??? ab\xffcd' |
title-eval --tokenize
