# --max-concurrency 1: requests that come while a generation runs get 503
# (with Retry-After); the running one still finishes, and later ones are served
. ./serve.inc
serve_start --serve 127.0.0.1:0 --max-concurrency 1
python3 - "$URL" "$ABS" <<'PY'
import json, sys, threading, time, urllib.error, urllib.request
url = sys.argv[1] + "api/generate"
abstract = open(sys.argv[2]).read().strip()
def post(body):
    req = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=300) as r:
            return r.status, json.load(r), None
    except urllib.error.HTTPError as e:
        return e.code, json.load(e), e.headers.get("Retry-After")
# beam search that never stops early (12 beams to the end of the context): about
# a second of work for the one model thread, many times the first probe's delay
slow = {}
t = threading.Thread(target=lambda: slow.setdefault("r", post({"abstract": abstract, "beams": 12, "max_new_tokens": 1024})))
t.start()
busy = None
while t.is_alive() and busy is None:
    time.sleep(0.05)
    st, j, ra = post({"abstract": "x y z", "beams": 1, "max_new_tokens": 2})
    if st == 503:
        busy = (st, j["error"], "Retry-After:", ra)
t.join()
print("while busy:", *busy if busy else ["no 503"], sep=" ")
st, j, _ = slow["r"]
print("slow one:", st, len(j["titles"]), "title,", len(j["titles"][0]["title"]), "characters")
st, j, _ = post({"abstract": "x y z", "beams": 1, "max_new_tokens": 2})
print("after:", st, len(j["titles"]), "title")
PY
serve_stop
