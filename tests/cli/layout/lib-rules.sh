# The repository's own lib/ and cmd/ keep the rules of lib/README.md.
sh ../../layout-check.sh ../../..
