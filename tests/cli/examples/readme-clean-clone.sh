# The README's two commands, as a new user runs them: clone the repository,
# run command 1 in the clone (without its apt-get parts: the packages are
# checked against what the build links instead; `make base` finds the shared
# copy of the base, GENTITLE_BASE, in place of the download) and check that it
# prints titles for the example abstract with the default model and how to
# open the web page; command 2 is `make check` (this suite, so it is not run
# again here).
root=$(cd "$DATA/.." && pwd)
command -v git >/dev/null || { echo "git is needed" >&2; exit 1; }
git -C "$root" rev-parse --git-dir >/dev/null 2>&1 || { echo "$root: not a git checkout" >&2; exit 1; }
readme="$root/README.md"
cmds=$(awk '/^```sh$/ && !n { n = 1; next } n == 1 && /^```$/ { exit } n == 1 && !/^#/ && NF' "$readme")
[ "$(echo "$cmds" | wc -l)" -eq 2 ] && echo "two commands"
one=$(echo "$cmds" | sed -n 1p)
two=$(echo "$cmds" | sed -n 2p)
[ "$two" = "make check" ] && echo "command 2: make check"
# every library the Makefile links comes from a package command 1 installs
for lib in $(sed -n 's/^LIBS *= *//p' "$root/Makefile" | tr ' ' '\n' | sed -n 's/^-l//p'); do
    case $lib in
    yajl) p=libyajl-dev ;; zstd) p=libzstd-dev ;; pcre2-8) p=libpcre2-dev ;; microhttpd) p=libmicrohttpd-dev ;;
    m|dl) continue ;; *) p="(no package known for -l$lib)" ;;
    esac
    case " $one " in *" $p "*) ;; *) echo "command 1 does not install $p" ;; esac
done
case $one in "apt-get update && apt-get install -y "*" && make && "*) echo "command 1 starts with apt-get install" ;; esac
export GENTITLE_BASE="$SHARED/models/smollm2-135m-instruct"
git clone -q "$root" "$TMP/clone" || exit 1
cd "$TMP/clone" || exit 1
# as a new user: no make variables inherited from a make check that runs this test
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES -u BUILD -u OPT -u CFLAGS -u CPPFLAGS -u LDFLAGS sh -c "make && ${one#*&& make && }" > "$TMP/out" 2> "$TMP/err" || { cat "$TMP/err" >&2; exit 1; }
# make's lines, then the titles, then how to open the page
tail -n 1 "$TMP/out" | grep -c '^Web page: build/bin/title-gen --serve, then open http://127.0.0.1:7860/$'
tail -n 4 "$TMP/out" | head -n 3 > "$TMP/titles"
grep -Evq '^(cc|ar|rm|mkdir) |^ *$' "$TMP/titles" && [ "$(grep -Evc '^(cc|ar|rm|mkdir) |^ *$' "$TMP/titles")" -eq 3 ] &&
    echo "three titles"
[ "$(sort -u "$TMP/titles" | wc -l)" -eq 3 ] && echo "all different"
grep -Eiq 'waste|focus-rcnet' "$TMP/titles" && echo "about the abstract (waste, Focus-RCNet)"
