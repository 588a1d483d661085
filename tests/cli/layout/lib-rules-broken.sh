# The checker finds each kind of break: a .c directly in lib/, an include that
# points up the layers, one without its folder, two files that include each
# other, a tool of 450 lines.
mkdir -p "$TMP/lib/core" "$TMP/lib/nn" "$TMP/lib/io" "$TMP/lib/serve" "$TMP/cmd"
echo 'int x;' > "$TMP/lib/stray.c"
printf '#include "nn/model.h"\n' > "$TMP/lib/core/util.c"
printf '#include "util.h"\n' > "$TMP/lib/io/input.c"
printf '#include "nn/b.h"\n' > "$TMP/lib/nn/a.c"
printf '#include "nn/a.h"\n' > "$TMP/lib/nn/b.h"
printf '#include "io/input.h"\n#include "core/util.h"\n' > "$TMP/lib/serve/ok.c"
seq 450 > "$TMP/cmd/big.c"
seq 449 > "$TMP/cmd/small.c"
sh ../../layout-check.sh "$TMP"
