printf 'abc\n' | tok-train -n 258 -i text
