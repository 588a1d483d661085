#!/usr/bin/env python3
"""One HTTP request for the serve-* cases: serve_http.py URL METHOD PATH
[BODY|@FILE] [HEADER: VALUE]...; prints "STATUS BODY" (the body on one line).
A body gets Content-Type: application/json unless a header says otherwise."""
import os
import sys
import urllib.error
import urllib.request

url, method, path = sys.argv[1:4]
body = sys.argv[4] if len(sys.argv) > 4 else None
headers = dict(h.split(": ", 1) for h in sys.argv[5:])
data = None
if body:
    data = open(body[1:], "rb").read() if body.startswith("@") else body.encode()
    headers.setdefault("Content-Type", "application/json")
req = urllib.request.Request(url.rstrip("/") + path, data=data, method=method, headers=headers)
try:
    with urllib.request.urlopen(req, timeout=float(os.environ.get("HTTP_TIMEOUT", "10"))) as r:
        status, text = r.status, r.read()
except urllib.error.HTTPError as e:
    status, text = e.code, e.read()
    allow = e.headers.get("Allow")
    if allow:
        status = "%d (Allow: %s)" % (status, allow)
except OSError as e:
    status, text = "no answer:", str(e).encode()
print(status, text.decode("utf-8").strip())
