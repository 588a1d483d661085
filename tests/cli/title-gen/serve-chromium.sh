# the page in headless Chromium: ?abstract=...&autosubmit=1 fills the Input box
# and presses Submit; the title the page shows is the API's greedy title
. ./serve.inc
command -v chromium >/dev/null || { echo "chromium is not installed (Debian package chromium)" >&2; exit 1; }
serve_start --serve 127.0.0.1:0 --max-new-tokens 8
q=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(open(sys.argv[1]).read().strip()))' "$ABS")
HOME=$TMP timeout -s KILL 25 chromium --headless --no-sandbox --disable-gpu --no-first-run \
    --user-data-dir="$TMP/chrome" --virtual-time-budget=20000 \
    --dump-dom "${URL}?abstract=$q&beams=1&autosubmit=1" > "$TMP/dom.html" 2> "$TMP/chromium.err"
echo "chromium exit $?"
python3 - "$TMP/dom.html" <<'PY'
import sys
from html.parser import HTMLParser

class P(HTMLParser):
    def __init__(self):
        super().__init__()
        self.where, self.titles, self.done = None, [], None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "ol" and a.get("id") == "output":
            self.done = a.get("data-done")
        if tag == "span" and a.get("class") == "title":
            self.where = "title"
            self.titles.append("")
    def handle_endtag(self, tag):
        self.where = None
    def handle_data(self, d):
        if self.where == "title":
            self.titles[-1] += d

p = P()
p.feed(open(sys.argv[1], encoding="utf-8").read())
print("done:", p.done, "titles:", len(p.titles))
print("page title:", p.titles[0] if p.titles else None)
PY
http POST /api/generate "{\"abstract\": $(jq -Rs 'rtrimstr("\n")' "$ABS"), \"beams\": 1}" |
    sed 's/^200 //' | jq -r '"api title:  " + .titles[0].title'
serve_stop
