# Usage error: no-ref -> exit 64, nothing on standard output.
title-eval 
