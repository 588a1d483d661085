# --serve mistakes exit 64 before the model is loaded
title-gen -m x --serve 127.0.0.1:99999; echo $?
title-gen -m x --serve ::1; echo $?
title-gen -m x --serve 127.0.0.1:0 abstracts.txt; echo $?
title-gen -m x --serve --text; echo $?
title-gen -m x --max-concurrency 2 < /dev/null; echo $?
title-gen -m x --serve --max-request-bytes 10; echo $?
