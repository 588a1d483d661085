# a non-loopback address is served, with a warning, and any Host header is
# accepted; SIGINT stops the server cleanly (exit 0) and frees the port
. ./serve.inc
serve_start --serve 0.0.0.0:0
grep -c 'warning: http://0\.0\.0\.0:[0-9]*/ is not a loopback address' "$TMP/server.err"
http GET /healthz '' 'Host: titles.example.org'
kill -INT $SERVER_PID
wait $SERVER_PID
echo "server exit $?"
SERVER_PID=
http GET /healthz | cut -d' ' -f1-2
