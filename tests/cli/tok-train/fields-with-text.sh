tok-train -n 1000 -i text --fields title /dev/null
