# Independent reference for arxiv-extract's default output (jq 1.6).
{id, title, abstract,
 categories: (.categories | split(" ") | map(select(. != ""))),
 primary_category: (.categories | split(" ") | map(select(. != ""))[0]),
 authors,
 v1_date: ((.versions | map(select(.version == "v1"))[0] // .versions[0]).created
           | strptime("%a, %d %b %Y %H:%M:%S GMT") | strftime("%Y-%m-%d")),
 update_date, doi, journal_ref: .["journal-ref"]}
