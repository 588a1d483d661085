# bench/pipeline.jq - the gentitle pipeline as one streaming jq program (jq 1.6), for bench/pipeline.sh.
#
#   jq -n -c --rawfile tsv data/categories.tsv --argjson sel '["cs.CL","cs.LG","cs.AI"]' \
#      --arg since 2018-01-01 --arg until "" -f bench/pipeline.jq dump.ndjson > pairs.jsonl
#
# Once, at the start: the selectors are resolved against the taxonomy the way arxiv-filter-cat
# does it (group, archive, code, glob; alias_of/subsumed_by equivalence classes).
# Then per dump line: parse and check it, build the record (arxiv-extract); category and
# v1_date range (arxiv-filter-cat); whitespace cleanup, a title's final period, withdrawn
# check, word bounds (abstract-clean's default rules, --latex keep); the alpaca pair (pair-build).
# NOT done: de-duplication and the train/val/test split, which need state across lines
# that a streaming jq program does not keep: every cleaned record becomes a pair, on stdout.
# Word bounds: --argjson bounds '[MIN_ABS, MAX_ABS, MIN_TITLE, MAX_TITLE]' (default: the
# abstract-clean defaults below).

def months: {"Jan":"01","Feb":"02","Mar":"03","Apr":"04","May":"05","Jun":"06",
             "Jul":"07","Aug":"08","Sep":"09","Oct":"10","Nov":"11","Dec":"12"};

# whitespace runs -> words, with the C string builtins (jq 1.6 regex splits/gsub are very slow);
# abstract-clean's whitespace: ASCII space, tab, LF, CR, VT, FF, and the Unicode spaces
def uspaces: ["\f", "\u000b", "\u0085", "\u00a0", "\u1680", "\u2000", "\u2001", "\u2002", "\u2003",
              "\u2004", "\u2005", "\u2006", "\u2007", "\u2008", "\u2009", "\u200a", "\u2028",
              "\u2029", "\u202f", "\u205f", "\u3000"];
def words: split("\n") | join(" ") | split("\t") | join(" ") | split("\r") | join(" ")
           | if test("[\f\u000b\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")
             then reduce uspaces[] as $u (.; split($u) | join(" ")) else . end
           | split(" ") | map(select(length > 0));

# abstract-clean's title rule, on the title's words: one trailing "." removed, unless the title
# ends "..", or the last word holds another "." (U.S.), or ends in an abbreviation (et al.); a
# lone "." word is removed (and the rule applied again)
def abbrevs: ["al","etc","vs","cf","resp","approx","jr","sr","inc","ltd","corp","st","dr","mr",
              "mrs","ms","prof","vol","fig","figs","eq","eqs","ref","refs","sec","ch","pp","ed",
              "eds","nucl"] | map({key: ., value: true}) | from_entries;
def tperiod:
  if length == 0 then .
  else .[-1] as $w
  | if ($w | endswith(".") | not) then .
    elif $w == "." then .[:-1] | tperiod
    elif ($w | endswith("..")) then .
    elif ($w[:-1] | contains(".")) then .
    elif ($w[:-1] | capture("(?<l>[A-Za-z]*)$").l
          | length > 0 and length <= 6 and abbrevs[ascii_downcase]) then .
    else .[:-1] + [$w[:-1]] end
  end;

# abstract-clean's withdrawal notices (the two patterns of lib/text/clean.c), tried only when the
# text holds "ithdr" or "ITHDR", as there
def wd_noun: "(?:paper|article|submission|manuscript|note|comment|preprint|posting|work|version|letter|report|abstract|contribution|e-?print|draft|entry)s?";
def wd_wd: "withdr[aoe]wn\\b";
def wd_verb: "(?:(?:is|was|are|were|has|have|had)\\s+)";
def wd_adv: "(?:(?:been|being|now|hereby|temporarily|permanently|officially)\\s+)*";
def wd_start: "\\A(?:(?:arxiv\\s+)?admin(?:istrators?)?\\s+note\\s*:\\s*)?(?:(?:this\\s+|the\\s+)?(?:"
  + wd_noun + "\\s+)?" + wd_wd + "|(?:(?:this|the|our)\\s+(?:\\w+\\s+)?)?" + wd_noun
  + "(?:\\s*\\(s\\))?(?:\\s*,[^.;]{0,200}?,|\\s+is\\s+\\w+\\s+and)?\\s+" + wd_verb + "?" + wd_adv + wd_wd + ")";
def wd_any: "\\b(?:we|i|authors?)\\s+(?:(?:would\\s+like\\s+to|have|hereby|decided\\s+to|must|therefore|thus|now)\\s+)*withdr[ae]wn?\\s+(?:this|the|our)\\s+(?:\\w+\\s+)?"
  + wd_noun + "\\b|[.!?]\\s+(?:this|the|our)\\s+(?:\\w+\\s+)?" + wd_noun + "(?:\\s*\\(s\\))?\\s+" + wd_verb + wd_adv + wd_wd;
def withdrawn: (contains("ithdr") or contains("ITHDR")) and (test(wd_start; "i") or test(wd_any; "i"));

def globre: "^" + (split(".") | join("\\.") | split("*") | join(".*") | split("?") | join(".")) + "$";
def isglob: test("[*?\\[]");

def taxonomy:
  $tsv | split("\n") | map(select(length > 0) | split("\t"))
  | .[0] as $h
  | .[1:] | map(. as $r | reduce range(0; $h | length) as $i ({}; .[$h[$i]] = ($r[$i] // "")));

# selectors -> {chosen: {code: true}, known: {code: true}, globre: regex or null}
def resolve($sel):
  taxonomy as $tax
  | ($tax | map(.group) | unique) as $groups
  | ($tax | map(.archive) | unique) as $archives
  | ($tax | map({key: .code, value: true}) | from_entries) as $known
  | [$tax[] | .code as $c | (.alias_of, .subsumed_by) | select(length > 0) | [$c, .]] as $edges
  | ([$sel[] as $s
      | if ($s | startswith("group:")) then $tax[] | select(.group == $s[6:]) | .code
        elif ($s | startswith("archive:")) then $tax[] | select(.archive == $s[8:]) | .code
        elif ($groups | index([$s])) then $tax[] | select(.group == $s) | .code
        elif ($archives | index([$s])) then $tax[] | select(.archive == $s) | .code
        elif $known[$s] then $s
        elif ($s | isglob) then ($s | globre) as $re | $tax[] | .code | select(test($re))
        else error("selector '\($s)' matches no category") end]
     | map({key: ., value: true}) | from_entries) as $start
  # close over the equivalence classes
  | ({set: $start, n: -1}
     | until(.n == (.set | length);
             .n = (.set | length)
             | .set as $s
             | .set = reduce $edges[] as $e ($s;
                 if .[$e[0]] or .[$e[1]] then .[$e[0]] = true | .[$e[1]] = true else . end))
     | .set) as $chosen
  | [$sel[] | select(isglob) | globre] as $g
  | {chosen: $chosen, known: $known, globre: (if ($g | length) > 0 then $g | join("|") else null end)};

def v1date:
  (.versions // []) as $v
  | (first($v[] | objects | select(.version == "v1")) // $v[0] // {}) | .created
  | if type == "string" then
      (split(",") | .[-1] | split(" ") | map(select(length > 0))
       | if length >= 3 and months[.[1]] then
           "\(.[2])-\(months[.[1]])-\(if (.[0] | length) == 1 then "0" + .[0] else .[0] end)"
         else null end)
    else null end;

resolve($sel) as $R
| ($ARGS.named.bounds // [20, 600, 2, 40]) as [$amin, $amax, $tmin, $tmax]
| ($ARGS.named.instruction // "If you are an expert in writing papers, please generate a good paper title for this paper based on other authors' descriptions of their abstracts.") as $instruction
| inputs
# 1. extract
| select((.id | type) == "string" and (.title | type) == "string"
         and (.abstract | type) == "string" and (.categories | type) == "string")
| {id, title, abstract,
   categories: (.categories | split(" ") | map(select(length > 0))),
   authors, v1_date: v1date, update_date, doi, journal_ref: .["journal-ref"]}
| select((.categories | length) > 0)
# 2. filter
| select(any(.categories[]; $R.chosen[.]
             or ($R.globre != null and ($R.known[.] | not) and test($R.globre))))
| select(($since == "" and $until == "")
         or (.v1_date != null and .v1_date >= $since and ($until == "" or .v1_date <= $until)))
# 3. clean
| (.abstract | words) as $aw
| (.title | words | tperiod) as $tw
| ($aw | join(" ")) as $abs
| select(($tw | length) > 0 and ($aw | length) > 0 and ($abs | withdrawn | not))
| select(($amin == 0 or ($aw | length) >= $amin) and ($amax == 0 or ($aw | length) <= $amax)
         and ($tmin == 0 or ($tw | length) >= $tmin) and ($tmax == 0 or ($tw | length) <= $tmax))
| ($tw | join(" ")) as $title
# 4. pair (no dedupe, no split)
| {instruction: $instruction, input: $abs, output: $title, id, categories}
  + (if .v1_date then {v1_date} else {} end)
