printf 'ab ab cd cd\n' | tok-train -n 300 -i text --stats > /dev/null
