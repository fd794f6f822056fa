# --help goes to stdout with status 0; a bad option is a usage error, 2.
bk-cat --help | head -n 1
bk-cat --version | sed 's/[0-9][0-9.]*$/VERSION/' | head -n 1
bk-cat --bogus
