# every bad request gets a 4xx with a JSON error, and the server lives on
. ./serve.inc
serve_start --serve 127.0.0.1:0
http POST /api/generate '{"abstract": "x",'
http POST /api/generate '[1, 2]'
http POST /api/generate '{"instruction": "Title it."}'
http POST /api/generate '{"abstract": 42}'
http POST /api/generate '{"abstract": "   "}'
http POST /api/generate '{"abstract": "x", "beams": 17}'
http POST /api/generate '{"abstract": "x", "n": 1.5}'
http POST /api/generate '{"abstract": "x", "top_p": 0}'
http POST /api/generate '{"abstract": "x", "temperature": "hot"}'
http POST /api/generate '{"abstract": "x", "beams": 4, "temperature": 0.7}'
http POST /api/generate '{"abstract": "x", "top_k": 40}'
http POST /api/generate '{"abstract": "x", "nbest": 3}'
http POST /api/generate '{"abstract": "x"}' 'Content-Type: text/plain'
python3 -c 'print("{\"abstract\": \"" + "word " * 14000 + "\"}")' > "$TMP/big.json"
http POST /api/generate "@$TMP/big.json"
http GET /api/generate
http POST /
http DELETE /healthz
http GET /nowhere
http GET /healthz '' 'Host: attacker.example'
http GET /healthz
serve_stop
