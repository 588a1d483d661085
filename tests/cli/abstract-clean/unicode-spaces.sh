printf "%s\n" "{\"title\":\"A\u00a0\u2009title\u3000here\",\"abstract\":\"x\u202fy\"}" | abstract-clean --min-words 0
