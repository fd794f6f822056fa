#!/bin/sh
# make.sh - regenerate the charset fixtures from their UTF-8 sources.
#
# The encoded files are written by iconv(1), an encoder independent of the
# decoder under test, and committed beside their sources. pension.* holds
# characters only Windows code pages have (①, ㈱, 髙, ﾌﾘｶﾞﾅ, the 0x5C trail
# byte of 表 and ソ), so its EUC form needs eucJP-ms; jis.* keeps to JIS X
# 0208, so the strict EUC-JP and Shift_JIS encoders can write it.
set -eu
cd "$(dirname "$0")"
iconv -f UTF-8 -t CP932 pension.utf8.txt >pension.cp932.txt
iconv -f UTF-8 -t EUC-JP-MS pension.utf8.txt >pension.eucjp.txt
iconv -f UTF-8 -t SHIFT_JIS jis.utf8.txt >jis.sjis.txt
iconv -f UTF-8 -t EUC-JP jis.utf8.txt >jis.eucjp.txt
