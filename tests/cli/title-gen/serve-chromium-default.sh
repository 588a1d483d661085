# The web page with the default model, as a new user meets it: title-gen
# --serve with no --model (data/model, the adapter, on the SmolLM2 base found
# in ../shared), the Focus-RCNet abstract pasted into the page by headless
# Chromium (?abstract=...&autosubmit=1 fills the Input box and presses
# Submit): the page shows the titles the API gives for the same request.
. ./serve.inc
M=
command -v chromium >/dev/null || { echo "chromium is not installed (Debian package chromium)" >&2; exit 1; }
export GENTITLE_BASE="$SHARED/models/smollm2-135m-instruct"
# the real model under AddressSanitizer: minutes, not seconds
export SERVE_TIMEOUT=400 HTTP_TIMEOUT=200
ABS="$DATA/focus-rcnet.txt"
serve_start --serve 127.0.0.1:0 -j 2
q=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(open(sys.argv[1]).read().strip()))' "$ABS")
HOME=$TMP timeout -s KILL 100 chromium --headless --no-sandbox --disable-gpu --no-first-run \
    --user-data-dir="$TMP/chrome" --virtual-time-budget=90000 \
    --dump-dom "${URL}?abstract=$q&n=3&autosubmit=1" > "$TMP/dom.html" 2> "$TMP/chromium.err"
echo "chromium exit $?"
python3 ./page_titles.py "$TMP/dom.html" > "$TMP/page"
head -n 1 "$TMP/page"
http POST /api/generate "{\"abstract\": $(jq -Rs 'rtrimstr("\n")' "$ABS"), \"n\": 3}" |
    sed 's/^200 //' | jq -r '.titles[].title' > "$TMP/api"
tail -n +2 "$TMP/page" > "$TMP/page-titles"
cmp -s "$TMP/api" "$TMP/page-titles" && echo "the page shows the API's titles"
[ "$(sort -u "$TMP/api" | wc -l)" -eq 3 ] && echo "three distinct titles"
grep -Eiq 'waste|focus-rcnet|garbage|recycl' "$TMP/api" && echo "about the abstract"
serve_stop
