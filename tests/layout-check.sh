#!/bin/sh
# tests/layout-check.sh ROOT - the rules of lib/README.md over ROOT/lib and ROOT/cmd:
#   no .c directly in lib/; includes name a folder of lib/ and point down the
#   layers (core <- io <- arxiv text tok eval <- nn <- train gen <- serve) or within
#   their own folder; no two library files (units: NAME.c + NAME.h) include each
#   other; every cmd/*.c under 450 lines. Prints each violation on stderr and
#   exits 1 when there is one.
set -u
root=${1:-.}
rank() {
    case $1 in
    core) echo 0 ;; io) echo 1 ;; arxiv|text|tok|eval) echo 2 ;; nn) echo 3 ;; train|gen) echo 4 ;; serve) echo 5 ;;
    *) echo -1 ;;
    esac
}
bad=0
say() { echo "layout: $*" >&2; bad=1; }
for f in "$root"/lib/*.c; do
    [ -e "$f" ] && say "${f#"$root"/}: a .c file directly in lib/ (put it in its concern's folder)"
done
edges=$(mktemp)
trap 'rm -f "$edges"' EXIT
for f in "$root"/lib/*/*.c "$root"/lib/*/*.h; do
    [ -e "$f" ] || continue
    rel=${f#"$root"/lib/}
    dir=${rel%%/*}
    base=${rel##*/}
    unit=$dir/${base%.*}
    r=$(rank "$dir")
    [ "$r" -ge 0 ] || { say "lib/$rel: folder '$dir' is not in the layer map (tests/layout-check.sh, lib/README.md)"; continue; }
    grep -o '^#include "[^"]*"' "$f" | sed 's/^#include "//; s/"$//' | while IFS= read -r inc; do
        case $inc in
        */*) ;;
        *) echo "lib/$rel: #include \"$inc\" does not name its folder" >&2; echo BAD >> "$edges"; continue ;;
        esac
        idir=${inc%%/*}
        ir=$(rank "$idir")
        if [ "$ir" -lt 0 ]; then
            echo "lib/$rel: #include \"$inc\": no folder lib/$idir in the layer map" >&2; echo BAD >> "$edges"
        elif [ "$idir" != "$dir" ] && [ "$ir" -ge "$r" ]; then
            echo "lib/$rel: #include \"$inc\" points up or across the layers ($dir may use only lower folders)" >&2
            echo BAD >> "$edges"
        fi
        iunit=${inc%.*}
        [ "$iunit" = "$unit" ] || echo "$unit $iunit" >> "$edges"
    done
done
grep -qx BAD "$edges" && bad=1
# mutual includes between units
sort -u "$edges" | grep -v '^BAD$' > "$edges.u"
while read -r a b; do
    if grep -qx "$b $a" "$edges.u" && [ "$a" \< "$b" ]; then
        say "lib/$a and lib/$b include each other"
    fi
done < "$edges.u"
rm -f "$edges.u"
for f in "$root"/cmd/*.c; do
    [ -e "$f" ] || continue
    n=$(wc -l < "$f")
    [ "$n" -lt 450 ] || say "${f#"$root"/}: $n lines (a tool parses options and wires library calls: under 450)"
done
exit $bad
