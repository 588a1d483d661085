printf "%s\n" "{\"z\":1,\"title\":\" A  b\\n c \",\"x\":[\"p\"],\"abstract\":\"one two\",\"n\":null}" | abstract-clean --min-words 0
