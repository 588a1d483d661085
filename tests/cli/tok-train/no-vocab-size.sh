tok-train -i text /dev/null
