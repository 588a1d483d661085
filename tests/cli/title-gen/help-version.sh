title-gen --help | head -1
title-gen --version | grep -c gentitle
