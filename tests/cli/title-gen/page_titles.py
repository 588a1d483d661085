"""page_titles.py DOM.html - what the web page shows after a submit (Chromium's
--dump-dom of it): "done: DATA-DONE titles: N", then each title on its own line.
Used by the serve-chromium* cases."""
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
for t in p.titles:
    print(t)
