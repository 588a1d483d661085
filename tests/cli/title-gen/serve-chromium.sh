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
python3 ./page_titles.py "$TMP/dom.html" > "$TMP/page"
head -n 1 "$TMP/page"
echo "page title: $(sed -n 2p "$TMP/page")"
http POST /api/generate "{\"abstract\": $(jq -Rs 'rtrimstr("\n")' "$ABS"), \"beams\": 1}" |
    sed 's/^200 //' | jq -r '"api title:  " + .titles[0].title'
serve_stop
