tok-train -n 1000 -i xml /dev/null
