# option mistakes exit 64
title-gen --lora x --text < /dev/null; echo $?
title-gen -m x -t 0.5 --beams 3 < /dev/null; echo $?
title-gen -m x --top-k 5 < /dev/null; echo $?
title-gen -m x --lora-merge < /dev/null; echo $?
title-gen -m x --beams 0 < /dev/null; echo $?
