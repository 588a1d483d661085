# Usage error: bad-bootstrap -> exit 64, nothing on standard output.
title-eval --ref x --bootstrap -1
