# --help and the man page agree, and the page has the usual sections.
check_manpage bk-triage
