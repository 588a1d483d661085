# --version
title-eval --version
