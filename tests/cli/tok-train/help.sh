set -e
tok-train --help | head -1
tok-train --version | grep -c .
