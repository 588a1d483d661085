# a model directory without config.json: exit 66, the file named
title-gen -m $TMP/nothing --text < /dev/null
