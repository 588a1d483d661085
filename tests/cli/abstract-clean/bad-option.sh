abstract-clean --bogus
