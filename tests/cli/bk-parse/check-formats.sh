# Every shipped format parses its examples into the events it expects.
bk-parse --check-formats
