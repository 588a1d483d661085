# manifest-lib.sh - sourced by the model recipes' manifest.sh: sha FILE (its
# sha256), curve LOG W (a Markdown table of lora-train's NDJSON log LOG: the
# mean train loss per window of W steps, and every validation loss).
sha() { sha256sum "$1" | cut -c1-64; }

curve() {
    jq -s -r --argjson w "$2" '
      ([.[] | select(.type == "train")] | group_by((.step - 1) / $w | floor)
        | map({s: .[-1].step, l: (map(.loss) | add / length), t: .[-1].elapsed_s, r: (map(.tokens_per_s) | add / length)})) as $tr
      | ([.[] | select(.type == "eval")] | map({key: (.step | tostring), value: .val_loss}) | from_entries) as $ev
      | "| step | train loss (mean of the window) | validation loss | elapsed | tokens/s |",
        "|---:|---:|---:|---:|---:|",
        ($tr[] | "| \(.s) | \(.l * 1000 | round / 1000) | \($ev[.s | tostring] // "" | if . == "" then "" else (. * 1000 | round / 1000 | tostring) end) | \(.t / 60 | floor) min | \(.r | round) |")' "$1"
}
