/* webpage.c - title-gen --serve's page: ChatGenTitle's Gradio page redone as
 * one self-contained HTML file (inline CSS and JS, no external assets, works
 * offline). {{NAME}} marks are filled in by gt_webpage_render.
 *
 * The page reads its query string: ?abstract=...&instruction=...&temperature=
 * ...&top_p=&top_k=&beams=&max_new_tokens=&n= fill the boxes, autosubmit=1
 * presses Submit; the titles go into <ol id="output"> (each <span
 * class="title">), which gets data-done="1" when they are in. */
#include "serve/webpage.h"

#include <string.h>

static const char page[] =
"<!doctype html>\n"
"<html lang=\"en\">\n"
"<head>\n"
"<meta charset=\"utf-8\">\n"
"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
"<title>ChatGenTitle - title-gen</title>\n"
"<link rel=\"icon\" href=\"data:,\">\n"
"<style>\n"
":root { --fg: #1f2937; --muted: #6b7280; --line: #e5e7eb; --bg: #f9fafb; --accent: #f97316; --accent2: #ea580c; }\n"
"* { box-sizing: border-box; }\n"
"body { margin: 0; font: 15px/1.45 system-ui, -apple-system, \"Segoe UI\", Roboto, sans-serif; color: var(--fg); background: var(--bg); }\n"
"header { padding: 18px 28px 6px; }\n"
"h1 { margin: 0 0 4px; font-size: 26px; }\n"
"header p { margin: 0; color: var(--muted); }\n"
"main { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 18px; padding: 14px 28px 28px; }\n"
"@media (max-width: 800px) { main { grid-template-columns: 1fr; } }\n"
".card { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px; }\n"
".card + .card { margin-top: 14px; }\n"
"label, legend, h2 { display: block; font-size: 13px; font-weight: 600; color: #374151; margin: 0 0 6px; }\n"
"h2 { font-size: 14px; }\n"
"textarea, input { width: 100%; font: inherit; color: inherit; border: 1px solid #d1d5db; border-radius: 7px; padding: 8px 10px; background: #fff; }\n"
"textarea { resize: vertical; }\n"
"textarea:focus, input:focus, button:focus { outline: 2px solid #fdba74; outline-offset: 1px; }\n"
".field + .field { margin-top: 12px; }\n"
"fieldset { border: 0; margin: 0; padding: 0; }\n"
".grid { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 10px 12px; }\n"
".grid label { font-weight: 500; }\n"
"input:disabled { background: #f3f4f6; color: #9ca3af; }\n"
".hint { font-size: 12px; color: var(--muted); margin: 8px 0 0; }\n"
".buttons { display: flex; gap: 10px; margin-top: 14px; }\n"
"button { flex: 1; font: inherit; font-weight: 600; padding: 10px; border-radius: 8px; border: 1px solid var(--line); background: #f3f4f6; cursor: pointer; }\n"
"button.primary { background: linear-gradient(to bottom right, #fdba74, var(--accent)); border-color: #fb923c; color: #fff; }\n"
"button.primary:hover { background: var(--accent2); }\n"
"button:disabled { opacity: .6; cursor: progress; }\n"
"#output { margin: 0; padding-left: 22px; min-height: 120px; }\n"
"#output li { margin: 0 0 10px; }\n"
"#output .title { font-size: 17px; font-weight: 600; }\n"
"#output .score { display: block; font-size: 12px; color: var(--muted); }\n"
"#status { color: var(--muted); font-size: 13px; min-height: 1.4em; margin: 8px 0 0; }\n"
"#error { color: #b91c1c; font-size: 14px; margin: 8px 0 0; }\n"
"#error:empty { display: none; }\n"
"</style>\n"
"</head>\n"
"<body>\n"
"<header>\n"
"<h1>ChatGenTitle</h1>\n"
"<p>Paper titles from abstracts with <code>{{MODEL}}</code>: paste an abstract, press Submit.</p>\n"
"</header>\n"
"<main>\n"
"<form id=\"form\" novalidate>\n"
"<div class=\"card\">\n"
"<div class=\"field\">\n"
"<label for=\"instruction\">Instruction</label>\n"
"<textarea id=\"instruction\" name=\"instruction\" rows=\"3\">{{INSTRUCTION}}</textarea>\n"
"</div>\n"
"<div class=\"field\">\n"
"<label for=\"abstract\">Input</label>\n"
"<textarea id=\"abstract\" name=\"abstract\" rows=\"11\" placeholder=\"Paste the abstract of a paper here\" required></textarea>\n"
"</div>\n"
"</div>\n"
"<div class=\"card\">\n"
"<fieldset>\n"
"<legend>Generation settings</legend>\n"
"<div class=\"grid\">\n"
"<div><label for=\"temperature\">Temperature</label><input type=\"number\" id=\"temperature\" name=\"temperature\" min=\"0\" max=\"100\" step=\"0.05\" value=\"{{TEMPERATURE}}\" aria-describedby=\"settings-hint\"></div>\n"
"<div><label for=\"top_p\">Top p</label><input type=\"number\" id=\"top_p\" name=\"top_p\" min=\"0.01\" max=\"1\" step=\"0.01\" value=\"{{TOP_P}}\"></div>\n"
"<div><label for=\"top_k\">Top k</label><input type=\"number\" id=\"top_k\" name=\"top_k\" min=\"0\" step=\"1\" value=\"{{TOP_K}}\"></div>\n"
"<div><label for=\"beams\">Beams</label><input type=\"number\" id=\"beams\" name=\"beams\" min=\"1\" max=\"{{MAX_BEAMS}}\" step=\"1\" value=\"{{BEAMS}}\"></div>\n"
"<div><label for=\"max_new_tokens\">Max new tokens</label><input type=\"number\" id=\"max_new_tokens\" name=\"max_new_tokens\" min=\"1\" max=\"{{MAX_NEW_LIMIT}}\" step=\"1\" value=\"{{MAX_NEW}}\"></div>\n"
"<div><label for=\"n\">Number of titles</label><input type=\"number\" id=\"n\" name=\"n\" min=\"1\" max=\"{{MAX_BEAMS}}\" step=\"1\" value=\"{{N}}\"></div>\n"
"</div>\n"
"<p class=\"hint\" id=\"settings-hint\">Temperature 0 searches with beams (1 beam: greedy); above 0 it samples, with top p and top k.</p>\n"
"</fieldset>\n"
"<div class=\"buttons\">\n"
"<button type=\"button\" id=\"clear\">Clear</button>\n"
"<button type=\"submit\" id=\"submit\" class=\"primary\">Submit</button>\n"
"</div>\n"
"</div>\n"
"</form>\n"
"<section class=\"card\" aria-labelledby=\"output-label\">\n"
"<h2 id=\"output-label\">Output</h2>\n"
"<ol id=\"output\" aria-live=\"polite\"></ol>\n"
"<p id=\"status\" role=\"status\"></p>\n"
"<p id=\"error\" role=\"alert\"></p>\n"
"</section>\n"
"</main>\n"
"<script>\n"
"(function () {\n"
"  \"use strict\";\n"
"  var $ = function (id) { return document.getElementById(id); };\n"
"  var form = $(\"form\"), out = $(\"output\"), status = $(\"status\"), error = $(\"error\"), submit = $(\"submit\");\n"
"  var keys = [\"abstract\", \"instruction\", \"temperature\", \"top_p\", \"top_k\", \"beams\", \"max_new_tokens\", \"n\"];\n"
"  function sampling() { return (parseFloat($(\"temperature\").value) || 0) > 0; }\n"
"  function sync() { var s = sampling(); $(\"top_p\").disabled = !s; $(\"top_k\").disabled = !s; $(\"beams\").disabled = s; }\n"
"  function num(id) { var v = $(id).value.trim(); return v === \"\" ? undefined : Number(v); }\n"
"  function show(j) {\n"
"    out.textContent = \"\";\n"
"    (j.titles || []).forEach(function (t) {\n"
"      var li = document.createElement(\"li\"), a = document.createElement(\"span\"), b = document.createElement(\"span\");\n"
"      a.className = \"title\"; a.textContent = t.title;\n"
"      b.className = \"score\"; b.textContent = \"score \" + Number(t.score).toFixed(4);\n"
"      li.appendChild(a); li.appendChild(b); out.appendChild(li);\n"
"    });\n"
"    status.textContent = (j.titles || []).length + (j.titles.length === 1 ? \" title\" : \" titles\") + \" in \" + j.ms + \" ms\";\n"
"    out.setAttribute(\"data-done\", \"1\");\n"
"  }\n"
"  function go() {\n"
"    error.textContent = \"\";\n"
"    if (!$(\"abstract\").value.trim()) { error.textContent = \"Paste an abstract into the Input box first.\"; $(\"abstract\").focus(); return; }\n"
"    var body = { abstract: $(\"abstract\").value, instruction: $(\"instruction\").value,\n"
"                 temperature: num(\"temperature\"), max_new_tokens: num(\"max_new_tokens\"), n: num(\"n\") };\n"
"    if (sampling()) { body.top_p = num(\"top_p\"); body.top_k = num(\"top_k\"); } else { body.beams = num(\"beams\"); }\n"
"    submit.disabled = true; status.textContent = \"Generating\\u2026\"; out.removeAttribute(\"data-done\");\n"
"    fetch(\"api/generate\", { method: \"POST\", headers: { \"Content-Type\": \"application/json\" }, body: JSON.stringify(body) })\n"
"      .then(function (r) {\n"
"        return r.json().catch(function () { return {}; }).then(function (j) {\n"
"          if (!r.ok) throw new Error(j.error || (\"HTTP \" + r.status));\n"
"          show(j);\n"
"        });\n"
"      })\n"
"      .catch(function (e) { status.textContent = \"\"; error.textContent = \"Error: \" + e.message; })\n"
"      .then(function () { submit.disabled = false; });\n"
"  }\n"
"  form.addEventListener(\"submit\", function (ev) { ev.preventDefault(); go(); });\n"
"  $(\"temperature\").addEventListener(\"input\", sync);\n"
"  $(\"clear\").addEventListener(\"click\", function () { $(\"abstract\").value = \"\"; out.textContent = \"\"; status.textContent = \"\"; error.textContent = \"\"; $(\"abstract\").focus(); });\n"
"  var q = new URLSearchParams(location.search);\n"
"  keys.forEach(function (k) { if (q.has(k)) $(k).value = q.get(k); });\n"
"  sync();\n"
"  if (q.get(\"autosubmit\") === \"1\") go();\n"
"})();\n"
"</script>\n"
"</body>\n"
"</html>\n";

/* Append S (N bytes) to B with &, <, >, " and ' escaped. */
static void html_esc(gt_buf *b, const char *s, size_t n)
{
    size_t i0 = 0;
    for (size_t i = 0; i < n; i++) {
        const char *e = s[i] == '&' ? "&amp;" : s[i] == '<' ? "&lt;" : s[i] == '>' ? "&gt;" : s[i] == '"' ? "&quot;"
                        : s[i] == '\'' ? "&#39;" : NULL;
        if (!e) continue;
        gt_buf_add(b, s + i0, i - i0);
        gt_buf_add(b, e, strlen(e));
        i0 = i + 1;
    }
    gt_buf_add(b, s + i0, n - i0);
}

void gt_webpage_render(gt_buf *b, const char *const *vars)
{
    const char *p = page;
    for (;;) {
        const char *m = strstr(p, "{{");
        if (!m) break;
        const char *e = strstr(m + 2, "}}");
        if (!e) break;
        gt_buf_add(b, p, (size_t)(m - p));
        size_t kn = (size_t)(e - m - 2);
        const char *val = NULL;
        for (int i = 0; vars && vars[i]; i += 2)
            if (strlen(vars[i]) == kn && memcmp(vars[i], m + 2, kn) == 0) { val = vars[i + 1]; break; }
        if (val) html_esc(b, val, strlen(val));
        p = e + 2;
    }
    gt_buf_add(b, p, strlen(p));
}
