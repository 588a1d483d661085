# Usage error: bad-seed -> exit 64, nothing on standard output.
title-eval --ref x --seed abc
