# Every shipped rule finds its examples and none of its counterexamples.
bk-scan --check-rules
