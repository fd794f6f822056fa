# --help and the man page list the same options; the page has every section.
check_manpage bk-exfil
