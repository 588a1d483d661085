abstract-clean /nonexistent
