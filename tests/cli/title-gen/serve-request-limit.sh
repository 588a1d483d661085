# --max-request-bytes: a body over the limit gets 413 whether its size is
# announced (Content-Length) or not (chunked); one at the limit is read
. ./serve.inc
serve_start --serve 127.0.0.1:0 --max-request-bytes 100 --max-new-tokens 2
body='{"abstract": "We present a fully differential calculation.", "beams": 1}'
printf '%s' "$body" | wc -c
http POST /api/generate "$body" | cut -c1-16
http POST /api/generate "{\"abstract\": \"$(printf '%0100d' 0)\"}"
python3 - "$URL" <<'PY'
import http.client, sys, urllib.parse
u = urllib.parse.urlsplit(sys.argv[1])
c = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
c.request("POST", "/api/generate", body=iter([b'{"abstract": "', b"x" * 150, b'"}']),
          headers={"Content-Type": "application/json"}, encode_chunked=True)
r = c.getresponse()
print("chunked:", r.status, r.read().decode().strip())
PY
serve_stop
