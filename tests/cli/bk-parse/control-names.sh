# A file name with a newline, a tab and an escape in it: the message about it
# stays one line, the control bytes written as \n, \t and \033.
printf 'no log format fits this\n' > "$(printf 'a\nb\tc\033d.log')"
x=0
bk-parse -- "$(printf 'a\nb\tc\033d.log')" || x=$?
echo "exit $x"
