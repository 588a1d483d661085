# a port already in use: the second server says so and exits 69
. ./serve.inc
serve_start --serve 127.0.0.1:0
port=${URL##*:}
port=${port%/}
title-gen -m "$M" --serve "127.0.0.1:$port"; echo "second server exit $?"
serve_stop
