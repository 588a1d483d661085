# GET / is the self-contained page: labelled boxes, the instruction pre-filled
# (HTML-escaped), the settings' defaults from the options, no external assets;
# HEAD works; GET /healthz names the model
. ./serve.inc
serve_start --serve 127.0.0.1:0 --instruction 'Title this <paper> & "be" brief.' -n 2 --max-new-tokens 20
python3 - "$URL" <<'PY'
import re, sys, urllib.request
url = sys.argv[1]
with urllib.request.urlopen(url, timeout=10) as r:
    print(r.status, r.headers["Content-Type"])
    print("csp:", r.headers["Content-Security-Policy"].split(";")[0])
    page = r.read().decode()
print("instruction:", re.search(r'<textarea id="instruction"[^>]*>([^<]*)</textarea>', page).group(1))
for id in ["instruction", "abstract", "temperature", "top_p", "top_k", "beams", "max_new_tokens", "n"]:
    m = re.search(r'<input[^>]*id="%s"[^>]*value="([^"]*)"' % id, page)
    labelled = ('<label for="%s">' % id) in page
    print(id, "labelled" if labelled else "NOT LABELLED", "value=" + m.group(1) if m else "")
print("buttons:", re.findall(r'<button[^>]*>([^<]*)</button>', page))
print("output:", bool(re.search(r'<ol id="output"', page)))
print("external:", re.findall(r'(?:src|href)="(?!data:)[^"]*"|https?://', page))
req = urllib.request.Request(url, method="HEAD")
with urllib.request.urlopen(req, timeout=10) as r:
    print("HEAD", r.status, len(r.read()))
PY
http GET /healthz
serve_stop
