# Usage error: empty-name -> exit 64, nothing on standard output.
title-eval --ref x --name=
