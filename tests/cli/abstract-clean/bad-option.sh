abstract-clean --nope
