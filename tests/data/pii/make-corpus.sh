#!/bin/sh
# make-corpus.sh - regenerate the labelled corpus for bk-scan's precision and
# recall under tests/data/pii/corpus/.
#
# Every personal value in the corpus is planted on purpose from a generated
# valid value (check digits, Luhn, IBAN mod 97, issued SSN and NINO ranges are
# computed here) and written to corpus/expected.tsv:
#     file <TAB> line <TAB> rule <TAB> value
# where value is what the rule reports with --show-values: the (?<value>)
# group or the whole match, after normalisation (ASCII digits and letters,
# '-' for every dash look-alike, ' ' for the ideographic space). Look-alikes
# that must not be reported at the default confidence (order numbers,
# timestamps, serials, UUIDs, version strings, byte counts, numbers that pass a
# check digit but have no context, ...) are planted too, listed in
# corpus/lookalikes.tsv (file, line, class, text) and never in expected.tsv.
# README.md next to this script describes the files and how the checker
# uses them.
#
# Everything is fictional: names are random combinations of common names,
# e-mail domains are example.* (RFC 2606), IP addresses come from the
# documentation ranges (RFC 5737, RFC 3849) and 10/8; a generated number may
# still equal a real one by chance.
#
# Deterministic: randomness comes from a linear congruential generator written
# below (x' = 69069 x + 1 mod 2^32; every product stays below 2^53, so mawk,
# gawk and busybox awk agree), so two runs give identical bytes. Needs POSIX
# sh, awk, sort and iconv (glibc's CP932, SHIFT_JIS and EUC-JP converters).
set -eu
LC_ALL=C
export LC_ALL

cd "$(dirname "$0")"
work=$(mktemp -d "${TMPDIR:-/tmp}/bk-pii-corpus.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 1' HUP INT TERM

mkdir -p "$work/web" "$work/app" "$work/db" "$work/exports" "$work/forms" "$work/misc"

awk -v W="$work" -f - <<'AWK'
# ================================================================ basics
function seed(x) { X = x % 4294967296 }
function rnd() { X = (X * 69069 + 1) % 4294967296; return X / 4294967296 }
function ri(n) { return int(rnd() * n) }                    # 0 .. n-1
function rr(a, b) { return a + ri(b - a + 1) }              # a .. b
function pick(list,   a, n) { n = split(list, a, " "); return a[ri(n) + 1] }
function chance(p) { return rnd() < p }
function digs(n,   s, i) { s = ""; for (i = 0; i < n; i++) s = s ri(10); return s }
function nzdigs(n) { return rr(1, 9) digs(n - 1) }
function chr(n) { return sprintf("%c", n) }
function utf8(cp) {
	if (cp < 128) return chr(cp)
	if (cp < 2048) return chr(192 + int(cp / 64)) chr(128 + cp % 64)
	return chr(224 + int(cp / 4096)) chr(128 + int(cp / 64) % 64) chr(128 + cp % 64)
}
function upper(n,   s, i) { s = ""; for (i = 0; i < n; i++) s = s substr("ABCDEFGHIJKLMNOPQRSTUVWXYZ", rr(1, 26), 1); return s }
function alnum(n, set,   s, i) { s = ""; for (i = 0; i < n; i++) s = s substr(set, rr(1, length(set)), 1); return s }

# Output. A line is written with emit(); the values planted in it (plant())
# and the look-alikes (look()) are recorded with the line's number.
function plant(rule, value) { NPL++; PLR[NPL] = rule; PLV[NPL] = value }
function look(class, text) { NLK++; LKC[NLK] = class; LKT[NLK] = text }
function emit(file, text,   i) {
	LN[file]++
	print text (CRLF[file] ? "\r" : "") > (W "/" file)
	for (i = 1; i <= NPL; i++) {
		print file "\t" LN[file] "\t" PLR[i] "\t" PLV[i] > (W "/expected")
		COUNT[PLR[i]]++
	}
	for (i = 1; i <= NLK; i++) print file "\t" LN[file] "\t" LKC[i] "\t" LKT[i] > (W "/lookalikes")
	NPL = 0; NLK = 0
}

# Full-width forms: ASCII 0x21-0x7E -> U+FF01-FF5E, space -> U+3000.
function fw(s,   out, i, c, k) {
	out = ""
	for (i = 1; i <= length(s); i++) {
		c = substr(s, i, 1); k = index(ASCII, c)
		out = out (c == " " ? IDSP : k ? utf8(65280 + k) : c)
	}
	return out
}
function zen_digits(s,   out, i, c) {                     # digits only
	out = ""
	for (i = 1; i <= length(s); i++) { c = substr(s, i, 1); out = out (c ~ /[0-9]/ ? utf8(65296 + c) : c) }
	return out
}
function dashes(s, d) { gsub(/-/, d, s); return s }       # replace '-' by a look-alike
# Full-width katakana -> half-width (ﾔﾏﾀﾞ), 3 bytes a character either way.
function hankaku(s,   out, i, c) {
	out = ""
	for (i = 1; i <= length(s); i += 3) { c = substr(s, i, 3); out = out ((c in HK) ? HK[c] : c) }
	return out
}
function urlenc(s,   out, i, c, k) {                       # UTF-8 bytes -> %XX
	out = ""
	for (i = 1; i <= length(s); i++) {
		c = substr(s, i, 1)
		if (c ~ /[A-Za-z0-9._~-]/) out = out c
		else { for (k = 1; k < 256; k++) if (chr(k) == c) break; out = out sprintf("%%%02X", k) }
	}
	return out
}

# ================================================================ check digits
function mynum_cd(s,   i, sum, r) {
	sum = 0
	for (i = 1; i <= 11; i++) sum += substr(s, 12 - i, 1) * (i <= 6 ? i + 1 : i - 5)
	r = sum % 11
	return r <= 1 ? 0 : 11 - r
}
function corp_cd(s,   i, sum) {
	sum = 0
	for (i = 1; i <= 12; i++) sum += substr(s, 13 - i, 1) * (i % 2 ? 1 : 2)
	return 9 - sum % 9
}
function luhn_cd(s,   i, sum, d, dbl) {
	sum = 0; dbl = 1
	for (i = length(s); i >= 1; i--) {
		d = substr(s, i, 1) * (dbl ? 2 : 1); if (d > 9) d -= 9
		sum += d; dbl = !dbl
	}
	return (10 - sum % 10) % 10
}
function lic_cd(s,   i, sum) {
	sum = 0
	for (i = 1; i <= 10; i++) sum += substr(s, i, 1) * LICW[i]
	return (11 - sum % 11) % 10
}
function mod97(s,   i, r, c) {                             # letters A=10 .. Z=35
	r = 0
	for (i = 1; i <= length(s); i++) {
		c = substr(s, i, 1)
		if (c ~ /[0-9]/) r = (r * 10 + c) % 97
		else r = (r * 100 + index("ABCDEFGHIJKLMNOPQRSTUVWXYZ", c) + 9) % 97
	}
	return r
}
function iban_make(cc, bban) { return cc sprintf("%02d", 98 - mod97(bban cc "00")) bban }
function group4(s,   out) { out = ""; while (length(s) > 4) { out = out substr(s, 1, 4) " "; s = substr(s, 5) }; return out s }

# ================================================================ values
# Each sets V (the normalised value as reported) and, where it is written in
# several ways, F (one of the ways, still ASCII).
function my_number(   b) {
	do b = nzdigs(11); while (b ~ /^(.)\1+$/)
	V = b mynum_cd(b)
	return V
}
function my_number_fmt(v,   k) {
	k = ri(4)
	if (k == 0) return substr(v, 1, 4) "-" substr(v, 5, 4) "-" substr(v, 9)
	if (k == 1) return substr(v, 1, 4) " " substr(v, 5, 4) " " substr(v, 9)
	return v
}
function corporate() { V = ""; V = digs(12); V = corp_cd(V) V; return V }
function pension() { V = nzdigs(4) "-" digs(6); return V }
function passport() { V = pick("TK TZ TR TH TS TE TG MZ MU ME MH") digs(7); return V }
function licence(   b) {
	b = pick("10 11 20 22 30 30 30 40 43 44 45 50 54 60 62 63 70 73 80 90 97") sprintf("%02d", pick("88 92 95 98 01 03 05 08 10 12")) digs(6)
	V = b lic_cd(b) (chance(0.85) ? 0 : rr(1, 2))
	return V
}
function residence() { V = upper(2) digs(8) upper(2); return V }
function insurer(   b, i, s, d) {                          # 保険者番号, 8 digits
	b = pick("01 01 06 06 06 31 32 34 63 67") sprintf("%02d", rr(1, 47)) sprintf("%03d", rr(1, 999))
	s = 0
	for (i = 7; i >= 1; i--) { d = substr(b, i, 1) * ((7 - i) % 2 ? 1 : 2); s += int(d / 10) + d % 10 }
	V = b (10 - s % 10) % 10
	return V
}
function phone_jp(   k) {
	k = ri(10)
	if (k < 6) V = "0" pick("9 9 8 7") "0-" rr(2, 9) digs(3) "-" digs(4)
	else if (k == 6) V = "050-" rr(1, 9) digs(3) "-" digs(4)
	else if (k == 7) V = pick("03 06") "-" rr(2, 9) digs(3) "-" digs(4)
	else if (k == 8) V = pick("045 052 011 092 075 078 022 082") "-" rr(2, 9) digs(2) "-" digs(4)
	else V = pick("0466 0267 0942 0283 0154") "-" rr(2, 9) digs(1) "-" digs(4)
	return V
}
function postal() { V = sprintf("%03d-%04d", rr(10, 999), ri(10000)); return V }
function email(sur, giv,   k, dom) {
	dom = pick("example.co.jp example.jp example.ne.jp example.com mail.example.org example.net")
	k = ri(5)
	if (k == 0) V = giv "." sur "@" dom
	else if (k == 1) V = sur "." substr(giv, 1, 1) "@" dom
	else if (k == 2) V = giv "_" sur rr(1, 99) "@" dom
	else if (k == 3) V = substr(giv, 1, 1) sur rr(60, 99) "@" dom
	else V = sur "-" giv "@" dom
	return V
}
function person(   k) {                                     # sets P_*
	k = ri(NSUR) + 1; P_SUR = SUR[k]; P_SURK = SURK[k]; P_SURR = SURR[k]
	k = ri(NGIV) + 1; P_GIV = GIV[k]; P_GIVK = GIVK[k]; P_GIVR = GIVR[k]
	P_NAME = P_SUR " " P_GIV; P_KANA = P_SURK " " P_GIVK
	P_Y = rr(1932, 2004); P_M = rr(1, 12); P_D = rr(1, mdays(P_Y, P_M))
	k = ri(NPLACE) + 1; P_PLACE = PLACE[k]
	P_STREET = street()
	P_ADDR = P_PLACE P_STREET
}
function street(   t, c, b, g, k) {
	t = pick(TOWNS); c = rr(1, 5); b = rr(1, 30); g = rr(1, 25); k = ri(3)
	if (k == 0) return t c "-" b "-" g
	if (k == 1) return t c "丁目" b "番" g "号"
	return t c "丁目" b "-" g
}
function mdays(y, m) { return m == 2 ? ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28) : (m == 4 || m == 6 || m == 9 || m == 11) ? 30 : 31 }
function wareki(y, m, d,   n, e) {                           # 昭和45年3月1日
	n = y * 10000 + m * 100 + d
	if (n >= 19890108) { e = "平成"; n = y - 1988 } else if (n >= 19261225) { e = "昭和"; n = y - 1925 } else { e = "大正"; n = y - 1911 }
	return e (n == 1 ? "元" : n) "年" m "月" d "日"
}
function wareki_short(y, m, d,   n) {                        # S45.3.1
	n = y * 10000 + m * 100 + d
	if (n >= 19890108) return "H" (y - 1988) "." m "." d
	return "S" (y - 1925) "." m "." d
}
function dob_jp(   k) {                                      # F: as written, V: as reported
	k = ri(6)
	if (k == 0) V = sprintf("%d/%02d/%02d", P_Y, P_M, P_D)
	else if (k == 1) V = sprintf("%d-%02d-%02d", P_Y, P_M, P_D)
	else if (k == 2) V = P_Y "年" P_M "月" P_D "日"
	else if (k == 3) V = wareki_short(P_Y, P_M, P_D)
	else V = wareki(P_Y, P_M, P_D)
	return V
}
function card(   k, b, n) {                                   # V plain digits, F as written
	k = ri(16)
	if (k < 5) { b = "4" digs(14) }
	else if (k < 8) { b = rr(51, 55) digs(13) }
	else if (k < 10) { b = rr(2221, 2720) digs(11) }
	else if (k < 12) { b = pick("34 37") digs(12) }
	else if (k < 14) { b = rr(3528, 3589) digs(11) }
	else if (k == 14) { b = "36" digs(11) }
	else { b = pick("6011 6212") digs(14) }
	V = b luhn_cd(b); n = length(V)
	k = ri(4)
	if (n == 16 && k == 1) F = substr(V, 1, 4) " " substr(V, 5, 4) " " substr(V, 9, 4) " " substr(V, 13)
	else if (n == 16 && k == 2) F = substr(V, 1, 4) "-" substr(V, 5, 4) "-" substr(V, 9, 4) "-" substr(V, 13)
	else if (n == 15 && k != 0) F = substr(V, 1, 4) " " substr(V, 5, 6) " " substr(V, 11)
	else if (n == 14 && k != 0) F = substr(V, 1, 4) " " substr(V, 5, 6) " " substr(V, 11)
	else F = V
	return F
}
function iban(   k, cc, b) {                                  # V as written
	k = ri(8)
	if (k == 0) { cc = "DE"; b = digs(18) }
	else if (k == 1) { cc = "GB"; b = pick("BARC LOYD HBUK MIDL NWBK") digs(14) }
	else if (k == 2) { cc = "FR"; b = digs(23) }
	else if (k == 3) { cc = "NL"; b = pick("ABNA INGB RABO TRIO") digs(10) }
	else if (k == 4) { cc = "ES"; b = digs(20) }
	else if (k == 5) { cc = "IT"; b = upper(1) digs(22) }
	else if (k == 6) { cc = "BE"; b = digs(12) }
	else { cc = "CH"; b = digs(17) }
	V = iban_make(cc, b)
	if (chance(0.5)) V = group4(V)
	return V
}
function ssn(   a) { do a = rr(1, 733); while (a == 666); V = sprintf("%03d-%02d-%04d", a, rr(1, 99), rr(1, 9999)); return V }
function nino(   a, b) {
	do { a = substr(NINO1, rr(1, length(NINO1)), 1); b = substr(NINO2, rr(1, length(NINO2)), 1) } while ((a b) ~ /^(BG|GB|KN|NK|NT|TN|ZZ|CR|FY|MW|NC|PP|PY|PZ)$/)
	V = a b digs(6) pick("A B C D")
	if (chance(0.3)) V = substr(V, 1, 2) " " substr(V, 3, 2) " " substr(V, 5, 2) " " substr(V, 7, 2) " " substr(V, 9)
	return V
}
function e164(   k) {
	k = ri(4)
	if (k == 0) V = "+1" pick("415 212 617 303 206") "555" sprintf("%04d", rr(100, 199))
	else if (k == 1) V = "+1 " pick("415 212 617") " 555 " sprintf("%04d", rr(100, 199))
	else if (k == 2) V = "+44 20 7946 " sprintf("%04d", ri(1000))
	else V = "+49 30 " rr(2, 9) digs(7)
	return V
}
function ipv4_doc() { return pick("192.0.2 198.51.100 203.0.113") "." rr(1, 254) }
function ipv4_int() { return "10." rr(1, 30) "." rr(0, 9) "." rr(2, 250) }
function ipv6_doc(   k) {
	k = ri(3)
	if (k == 0) return "2001:db8::" sprintf("%x", rr(1, 65535))
	if (k == 1) return "2001:db8:" sprintf("%x:%x::%x", rr(1, 4095), rr(1, 255), rr(1, 65535))
	return "2001:db8:" sprintf("%x:%x:%x:%x:%x:%x", rr(1, 65535), rr(0, 255), rr(1, 65535), rr(1, 65535), rr(0, 65535), rr(1, 65535))
}
function dob_intl(   y, m, d, k) {
	y = rr(1940, 2003); m = rr(1, 12); d = rr(1, mdays(y, m)); k = ri(3)
	if (k == 0) V = sprintf("%d-%02d-%02d", y, m, d)
	else if (k == 1) V = sprintf("%02d/%02d/%d", d, m, y)
	else V = sprintf("%02d/%02d/%d", m, d, y)
	return V
}
function password(   k) {
	k = ri(4)
	if (k == 0) V = pick("Haru Natsu Sakura Tokyo Nenkin Pass Qwer Momo Kuma") rr(1980, 2015) pick("! . _ -")
	else if (k == 1) V = alnum(rr(8, 12), "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789")
	else if (k == 2) V = tolower(pick("sakura tanaka yamada himawari kotaro")) rr(10, 99)
	else V = alnum(4, "abcdefghijkmnopqrstuvwxyz") pick("! %21 @ * +") alnum(4, "ABCDEFGHJKLMNPQRSTUVWXYZ23456789")
	return V
}
function bcrypt() {
	V = "$2" pick("a b y") "$" pick("08 10 10 12") "$" alnum(21, B64) substr(B64S, rr(1, 4), 1) alnum(30, B64) substr(B64Q, rr(1, 16), 1)
	return V
}
function md5crypt() { V = "$1$" alnum(8, CRYPT64) "$" alnum(21, CRYPT64) substr(CRYPT64, rr(1, 4), 1); return V }
function aws_key() { V = pick("AKIA AKIA ASIA") alnum(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"); return V }

# ================================================================ look-alikes
# Each returns text that no rule reports at medium confidence or above.
function la_order12(   b) {                                 # 12 digits passing the My Number check
	b = "2015" digs(7); return b mynum_cd(b)
}
function la_ts14() { return sprintf("201505%02d%02d%02d%02d", rr(6, 11), rr(0, 23), rr(0, 59), rr(0, 59)) }
function la_epoch_ms(   b) {                                # 13 digits passing the Corporate Number check
	do { b = "1431" digs(9) } while (corp_cd(substr(b, 2)) != substr(b, 1, 1) + 0)
	return b
}
function la_uuid() { return alnum(8, HEXL) "-" alnum(4, HEXL) "-4" alnum(3, HEXL) "-" pick("8 9 a b") alnum(3, HEXL) "-" alnum(12, HEXL) }
function la_card_bad(   b, c) {                              # issuer-shaped, Luhn fails
	b = pick("4 5 35") digs(14); b = substr(b, 1, 15); c = (luhn_cd(b) + rr(1, 9)) % 10
	return b c
}
function la_serial() { return pick("SN KR XK QA") "0" pick("9 8 7") "0" digs(8) }
function la_iban_bad(   v) {
	v = iban_make("DE", digs(18))
	return substr(v, 1, 2) sprintf("%02d", (substr(v, 3, 2) + rr(1, 50)) % 97 + 2) substr(v, 5)
}
function la_ssn_bad() { return pick("000 666 900 912 987") "-" sprintf("%02d", rr(1, 99)) "-" sprintf("%04d", rr(1, 9999)) }
function la_version() { return rr(1, 9) "." rr(0, 20) "." rr(0, 30) "." rr(0, 200) }

# ================================================================ setup
BEGIN {
	seed(20150508)
	ASCII = ""; for (i = 33; i <= 126; i++) ASCII = ASCII chr(i)
	IDSP = utf8(12288)
	HEXL = "0123456789abcdef"
	B64 = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	# bcrypt encodes 16 bytes of salt and 23 of hash: the last character of
	# the salt carries 2 bits (4 values), that of the hash 4 bits (16 values).
	B64S = ".Oeu"
	B64Q = ".CGKOSWaeimquy26"
	CRYPT64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	NINO1 = "ABCEGHJKLMNPRSTWXYZ"; NINO2 = "ABCEGHJKLMNPRSTWXYZ"
	split("5 4 3 2 7 6 5 4 3 2", LICW, " ")

	# family names: kanji, katakana, romaji
	n = split("佐藤 サトウ sato|鈴木 スズキ suzuki|高橋 タカハシ takahashi|田中 タナカ tanaka|伊藤 イトウ ito|渡辺 ワタナベ watanabe|山本 ヤマモト yamamoto|中村 ナカムラ nakamura|小林 コバヤシ kobayashi|加藤 カトウ kato|吉田 ヨシダ yoshida|山田 ヤマダ yamada|佐々木 ササキ sasaki|山口 ヤマグチ yamaguchi|松本 マツモト matsumoto|井上 イノウエ inoue|木村 キムラ kimura|林 ハヤシ hayashi|斎藤 サイトウ saito|清水 シミズ shimizu|山崎 ヤマザキ yamazaki|森 モリ mori|池田 イケダ ikeda|橋本 ハシモト hashimoto|阿部 アベ abe|石川 イシカワ ishikawa|中島 ナカジマ nakajima|前田 マエダ maeda|長谷川 ハセガワ hasegawa|藤田 フジタ fujita|後藤 ゴトウ goto|近藤 コンドウ kondo|村上 ムラカミ murakami|遠藤 エンドウ endo|青木 アオキ aoki|坂本 サカモト sakamoto", t, "|")
	for (i = 1; i <= n; i++) { split(t[i], f, " "); SUR[i] = f[1]; SURK[i] = f[2]; SURR[i] = f[3] }
	NSUR = n
	n = split("太郎 タロウ taro|花子 ハナコ hanako|健一 ケンイチ kenichi|恵子 ケイコ keiko|誠 マコト makoto|裕子 ユウコ yuko|大輔 ダイスケ daisuke|美穂 ミホ miho|翔太 ショウタ shota|陽菜 ヒナ hina|直樹 ナオキ naoki|由美 ユミ yumi|浩二 コウジ koji|真理子 マリコ mariko|拓也 タクヤ takuya|智子 トモコ tomoko|和夫 カズオ kazuo|幸子 サチコ sachiko|隆 タカシ takashi|明美 アケミ akemi|さくら サクラ sakura|蓮 レン ren|結衣 ユイ yui|譲二 ジョージ joji|正人 マサト masato|千尋 チヒロ chihiro", t, "|")
	for (i = 1; i <= n; i++) { split(t[i], f, " "); GIV[i] = f[1]; GIVK[i] = f[2]; GIVR[i] = f[3] }
	NGIV = n
	NPLACE = split("東京都千代田区 東京都新宿区 東京都世田谷区 東京都八王子市 東京都町田市 大阪府大阪市北区 大阪府堺市堺区 大阪府豊中市 北海道札幌市中央区 北海道旭川市 北海道虻田郡ニセコ町 神奈川県横浜市西区 神奈川県川崎市中原区 神奈川県藤沢市 愛知県名古屋市中区 愛知県豊田市 京都府京都市左京区 兵庫県神戸市中央区 兵庫県姫路市 福岡県福岡市博多区 福岡県北九州市小倉北区 埼玉県さいたま市浦和区 埼玉県川越市 千葉県千葉市中央区 千葉県船橋市 宮城県仙台市青葉区 広島県広島市中区 静岡県浜松市中区 新潟県新潟市中央区 沖縄県那覇市 長野県松本市 岡山県倉敷市 熊本県熊本市中央区 鹿児島県鹿児島市 茨城県つくば市 三重県四日市市 石川県金沢市 山形県東村山郡山辺町 愛媛県松山市 奈良県奈良市", PLACE, " ")
	TOWNS = "本町 緑町 栄町 中央 旭町 若葉 桜木町 南町 春日 大手町 青葉台 東町 元町 幸町 新町 霞が関"
	BUILDINGS = "コーポ ハイツ メゾン レジデンス グランド"

	full = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲンァィゥェォャュョッー"
	half = "ｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜｦﾝｧｨｩｪｫｬｭｮｯｰ"
	for (i = 1; i <= length(full); i += 3) HK[substr(full, i, 3)] = substr(half, i, 3)
	voiced = "ガギグゲゴザジズゼゾダヂヅデドバビブベボ"; base = "カキクケコサシスセソタチツテトハヒフヘホ"
	for (i = 1; i <= length(voiced); i += 3) HK[substr(voiced, i, 3)] = HK[substr(base, i, 3)] "ﾞ"
	voiced = "パピプペポ"; base = "ハヒフヘホ"
	for (i = 1; i <= length(voiced); i += 3) HK[substr(voiced, i, 3)] = HK[substr(base, i, 3)] "ﾟ"

	UA_IE = "Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko"
	UA_CHROME = "Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/42.0.2311.135 Safari/537.36"
	UA_IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 8_3 like Mac OS X) AppleWebKit/600.1.4 (KHTML, like Gecko) Version/8.0 Mobile/12F70 Safari/600.1.4"
	UA_ANDROID = "Mozilla/5.0 (Linux; Android 4.4.2; SO-01F Build/14.3.B.0.310) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/41.0.2272.96 Mobile Safari/537.36"
	UA_FIREFOX = "Mozilla/5.0 (Windows NT 6.3; WOW64; rv:37.0) Gecko/20100101 Firefox/37.0"

	nginx()
	apache()
	applog()
	apijson()
	postgres()
	exports_utf8()
	exports_cp932()
	exports_eucjp()
	customers_dump()
	forms_fullwidth()
	forms_sjis()
	settings()
	batch()
	for (r in COUNT) printf "%s\t%d\n", r, COUNT[r] > (W "/counts")
}

# ================================================================ web: nginx
# nginx "combined" on a citizens' portal (www.example.jp): forms submitted by
# GET put personal data into query strings; the referer repeats them.
function t_nginx(s,   d, h, m) {
	d = 8 + int(s / 86400); s %= 86400; h = int(s / 3600); m = int(s % 3600 / 60)
	return sprintf("%02d/May/2015:%02d:%02d:%02d +0900", d, h, m, s % 60)
}
function ua() { return pick("IE IE CHROME CHROME IPHONE ANDROID FIREFOX") }
function uastr(k) { return k == "IE" ? UA_IE : k == "CHROME" ? UA_CHROME : k == "IPHONE" ? UA_IPHONE : k == "ANDROID" ? UA_ANDROID : UA_FIREFOX }
function nginx(   i, s, ip, req, st, by, ref, u, k, q, v, f) {
	s = 0
	for (i = 0; i < 1400; i++) {
		s += rr(1, 100); ip = chance(0.3) ? ipv4_int() : ipv4_doc(); u = uastr(ua()); ref = "-"; st = 200
		by = rr(180, 48000); k = ri(100)
		if (k < 30) {
			req = "GET " pick("/ /index.html /news/ /news/2015/0508.html /guide/ /faq/ /access/ /css/site.css /js/app.js /img/logo.png") " HTTP/1.1"
			if (req ~ /\.(css|js|png)/) {
				v = chance(0.5) ? la_version() : la_ts14(); look(v ~ /\./ ? "version" : "timestamp14", v)
				sub(/ HTTP/, "?v=" v " HTTP", req)
			}
		} else if (k < 38) {
			q = la_order12(); look("order_number12_checksum", q)
			req = "GET /order/complete?order_id=" q "&status=ok HTTP/1.1"
		} else if (k < 44) {
			v = la_uuid(); look("uuid", v)
			req = "GET /api/session/" v " HTTP/1.1"
		} else if (k < 48) {
			v = la_ts14(); look("timestamp14", v)
			req = "GET /feed.xml?since=" v " HTTP/1.1"
		} else if (k < 56) {
			person(); phone_jp()
			if (chance(0.5)) { plant("jp.phone", V); req = "GET /search?tel=" V "&page=" rr(1, 5) " HTTP/1.1" }
			else { plant("jp.phone", V); f = V; email(P_SURR, P_GIVR); plant("email", V); req = "GET /contact/confirm?tel=" f "&mail=" V " HTTP/1.1" }
		} else if (k < 62) {
			person(); email(P_GIVR, P_SURR)
			f = V; sub(/@/, "%40", f); plant("email", f)
			req = "GET /newsletter/subscribe?email=" f "&lang=ja HTTP/1.1"
		} else if (k < 66) {
			postal(); plant("jp.postal_code", chance(0.7) ? V : substr(V, 1, 3) substr(V, 5))
			req = "GET /register/step2?zip=" PLV[NPL] "&pref=" rr(1, 47) " HTTP/1.1"
		} else if (k < 69) {
			pension()
			if (chance(0.5)) { plant("jp.pension_number", V); req = "GET /nenkin/inquiry?nenkin_no=" V " HTTP/1.1" }
			else { sub(/-/, "", V); plant("jp.pension_number.bare", V); req = "GET /nenkin/inquiry?kiso_nenkin_no=" V "&type=1 HTTP/1.1" }
		} else if (k < 71) {
			my_number(); plant("jp.my_number", V)
			req = "GET /mypage/verify?mynumber=" V "&step=2 HTTP/1.1"
		} else if (k < 73) {
			card(); f = (F ~ / /) ? V : F; plant("payment_card", f)
			req = "GET /shop/pay?card_no=" f "&exp=" sprintf("%02d%02d", rr(1, 12), rr(15, 20)) " HTTP/1.1"
		} else if (k < 75) {
			person(); password(); plant("credential.password", V)
			req = "GET /login?user=" P_SURR "." substr(P_GIVR, 1, 1) "&password=" V "&next=%2Fmypage HTTP/1.1"
		} else if (k < 77) {
			v = ipv4_doc(); plant("ipv4", v)
			req = "GET /admin/block?ip=" v "&reason=abuse HTTP/1.1"; st = 302
		} else if (k < 80) {
			req = "POST /login HTTP/1.1"; st = chance(0.2) ? 401 : 302; by = rr(0, 400)
		} else if (k < 85) {
			person(); phone_jp(); plant("jp.phone", V)
			req = "GET /thanks HTTP/1.1"; ref = "https://www.example.jp/inquiry/confirm?name=" urlenc(P_NAME) "&tel=" V
		} else if (k < 88) {
			req = "GET /download/report_2014.pdf HTTP/1.1"; by = rr(1000000, 20000000); look("bytes", by)
		} else if (k < 91) {
			v = la_epoch_ms(); look("epoch_ms13_checksum", v)
			req = "GET /api/poll?_=" v " HTTP/1.1"; by = rr(20, 90)
		} else if (k < 93) {
			req = "GET /healthz HTTP/1.1"; u = "Zabbix"; ip = "10.20.0.5"; by = 2
		} else if (k < 95) {
			v = la_version(); look("version", v)
			u = "ExampleBot/" v " (+http://bot.example.com/)"; req = "GET /robots.txt HTTP/1.1"
		} else if (k < 97) {
			req = "GET /search?q=" urlenc(pick("年金 手続き 住所変更 マイナンバー 届出")) "&page=1 HTTP/1.1"
		} else {
			v = la_serial(); look("phone_like_serial", v)
			req = "GET /support/device?serial=" v " HTTP/1.1"
		}
		if (chance(0.03) && st == 200) { st = 404; by = rr(150, 170) }
		if (st == 302) by = rr(0, 160)
		emit("web/nginx-access.log", ip " - - [" t_nginx(s) "] \"" req "\" " st " " by " \"" ref "\" \"" u "\"")
	}
}

# ================================================================ web: apache
# Apache httpd "combined" plus %D (microseconds) on the pension office's
# legacy portal, and its error log.
function apache(   i, s, ip, req, st, by, k, v, f, ref) {
	s = 3600
	for (i = 0; i < 520; i++) {
		s += rr(2, 150); ip = ipv4_doc(); k = ri(100); st = 200; by = rr(300, 30000); ref = "-"
		if (k < 40) req = "GET " pick("/portal/ /portal/top.do /portal/notice.do?id=" rr(100, 999) " /static/common.css /static/jquery-1.11.2.min.js") " HTTP/1.1"
		else if (k < 50) { v = la_order12(); look("order_number12_checksum", v); req = "GET /portal/receipt.do?receipt_no=" v " HTTP/1.1" }
		else if (k < 60) { person(); pension(); plant("jp.pension_number", V); req = "GET /portal/kiroku.do?kiso_no=" V "&year=" rr(1990, 2014) " HTTP/1.1" }
		else if (k < 66) { person(); phone_jp(); plant("jp.phone", V); f = V; postal(); plant("jp.postal_code", V); req = "GET /portal/henko.do?tel=" f "&zip=" V " HTTP/1.1" }
		else if (k < 71) { person(); email(P_SURR, P_GIVR); plant("email", V); req = "GET /portal/mail.do?addr=" V "&confirm=1 HTTP/1.1" }
		else if (k < 74) { corporate(); plant("jp.corporate_number", V); req = "GET /portal/jigyosho.do?houjin_bangou=" V " HTTP/1.1" }
		else if (k < 77) { v = la_epoch_ms(); look("epoch_ms13_checksum", v); req = "GET /portal/ping.do?t=" v " HTTP/1.1" }
		else if (k < 80) { v = la_serial(); look("phone_like_serial", v); req = "GET /portal/terminal.do?device=" v " HTTP/1.1" }
		else if (k < 83) { person(); password(); plant("credential.password", V); req = "GET /portal/auth.do?uid=" P_SURR "&pwd=" V " HTTP/1.1"; st = 302 }
		else if (k < 86) { person(); my_number(); plant("jp.my_number", V); req = "GET /portal/mynumber.do?kojin_bango=" V " HTTP/1.1" }
		else if (k < 90) { v = rr(1000000, 99999999); look("bytes", v); req = "GET /portal/archive/2014.zip HTTP/1.1"; by = v }
		else { person(); phone_jp(); plant("jp.phone", V); req = "GET /portal/done.do HTTP/1.1"; ref = "http://portal.example.jp/portal/henko.do?tel=" V }
		emit("web/apache-access.log", ip " - - [" t_nginx(s) "] \"" req "\" " st " " by " \"" ref "\" \"" uastr(ua()) "\" " rr(800, 950000))
	}
	s = 3600
	for (i = 0; i < 160; i++) {
		s += rr(10, 600); k = ri(10); ip = ipv4_doc()
		if (k < 5) v = "[authz_core:error] [pid " rr(1000, 9999) "] [client " ip ":" rr(1024, 65535) "] AH01630: client denied by server configuration: /var/www/portal/admin/"
		else if (k < 7) { v = "[core:info] [pid " rr(1000, 9999) "] [client " ip ":" rr(1024, 65535) "] AH00128: File does not exist: /var/www/portal/static/img/icon@2x.png"; look("email_like", "icon@2x.png") }
		else if (k < 9) { phone_jp(); plant("jp.phone", V); v = "[php5:notice] [pid " rr(1000, 9999) "] [client " ip ":" rr(1024, 65535) "] PHP Notice:  Undefined index: zip in /var/www/portal/henko.php on line 41, referer: http://portal.example.jp/portal/henko.do?tel=" V }
		else v = "[core:notice] [pid " rr(1000, 9999) "] AH00094: Command line: '/usr/sbin/apache2'"
		emit("web/apache-error.log", "[" sprintf("%s May %02d %02d:%02d:%02d.%06d 2015", 8 + int(s / 86400) == 8 ? "Fri" : "Sat", 8 + int(s / 86400), int(s % 86400 / 3600), int(s % 3600 / 60), s % 60, rr(0, 999999)) "] " v)
	}
}

# ================================================================ app: log
# A Java web application's log (logback pattern "%d %-5level [%thread] %logger{20} - %msg"),
# Japanese messages, key=value pairs and JSON request bodies.
function t_app(s,   h, m) { h = int(s / 3600) % 24; m = int(s % 3600 / 60); return sprintf("2015-05-%02d %02d:%02d:%02d.%03d", 8 + int(s / 86400), h, m, s % 60, ri(1000)) }
function applog(   i, s, k, v, f, msg, th) {
	s = 8 * 3600
	for (i = 0; i < 950; i++) {
		s += rr(1, 45); k = ri(100); th = "http-nio-8080-exec-" rr(1, 20)
		if (k < 10) { person(); plant("jp.name", P_NAME); pension(); plant("jp.pension_number", V)
			msg = "INFO  [" th "] j.e.n.web.PersonController - 照会 person_id=" rr(100001, 225000) " 氏名=" P_NAME " 基礎年金番号=" V }
		else if (k < 16) { person(); plant("jp.name", P_KANA); plant("jp.date_of_birth", dob_jp())
			msg = "DEBUG [" th "] j.e.n.web.RegisterForm - 入力値 フリガナ=" P_KANA " 生年月日=" V " 性別=" pick("男 女") }
		else if (k < 22) { person(); plant("jp.address", P_ADDR); postal(); f = V
			plant("jp.postal_code", f); msg = "INFO  [" th "] j.e.n.svc.AddressService - 住所変更 〒" f " " P_ADDR " (旧住所は履歴テーブルへ)" }
		else if (k < 27) { person(); my_number(); plant("jp.my_number", V); f = my_number_fmt(V); PLV[NPL] = f
			msg = "WARN  [" th "] j.e.n.svc.MyNumberService - 個人番号 " f " の照合に失敗しました retry=" rr(1, 3) }
		else if (k < 31) { v = ipv4_int(); plant("ipv4", v); person()
			msg = "INFO  [" th "] j.e.n.security.LoginListener - login ok user=" P_SURR "." substr(P_GIVR, 1, 1) " ip=" v }
		else if (k < 33) { v = ipv6_doc(); plant("ipv6", v); person()
			msg = "INFO  [" th "] j.e.n.security.LoginListener - login ok user=" P_SURR "." substr(P_GIVR, 1, 1) " ip=" v }
		else if (k < 38) { person(); phone_jp(); plant("jp.phone", V); f = V; email(P_GIVR, P_SURR); plant("email", V); plant("jp.name", P_NAME)
			msg = "DEBUG [" th "] j.e.n.web.ContactForm - request body={\"shimei\":\"" P_NAME "\",\"tel\":\"" f "\",\"mail\":\"" V "\",\"agree\":true}" }
		else if (k < 41) { person(); password(); plant("credential.password", V)
			msg = "DEBUG [" th "] j.e.n.web.LoginForm - POST /login params={\"user\":\"" P_SURR "\",\"password\":\"" V "\"}" }
		else if (k < 43) { msg = "DEBUG [" th "] j.e.n.web.LoginForm - POST /login params={\"user\":\"" SURR[rr(1, NSUR)] "\",\"password\":\"********\"}"; look("masked_password", "********") }
		else if (k < 46) { passport(); plant("jp.passport", V)
			msg = "INFO  [" th "] j.e.n.svc.IdentityService - 本人確認書類 旅券番号=" V " 確認済" }
		else if (k < 49) { licence(); plant("jp.drivers_licence", V)
			msg = "INFO  [" th "] j.e.n.svc.IdentityService - 本人確認書類 運転免許証番号=" V " 確認済" }
		else if (k < 52) { residence(); plant("jp.residence_card", V)
			msg = "INFO  [" th "] j.e.n.svc.IdentityService - 本人確認書類 在留カード番号=" V " 確認済" }
		else if (k < 55) { insurer(); plant("jp.health_insurance", V); f = rr(1000, 99999) "-" rr(1, 999); plant("jp.health_insurance", f)
			msg = "INFO  [" th "] j.e.n.svc.KenpoService - 資格確認 保険者番号=" V " 被保険者証 記号番号:" f }
		else if (k < 58) { corporate(); plant("jp.corporate_number", V)
			msg = "INFO  [" th "] j.e.n.svc.JigyoshoService - 事業所登録 法人番号=" V " 適用開始" }
		else if (k < 63) { v = la_order12(); look("order_number12_checksum", v)
			msg = "INFO  [" th "] j.e.n.svc.OrderService - 受付番号 " v " を登録しました" }
		else if (k < 67) { v = la_uuid(); look("uuid", v)
			msg = "DEBUG [" th "] j.e.n.web.TraceFilter - trace_id=" v " elapsed=" rr(2, 900) "ms" }
		else if (k < 70) { v = la_ts14(); look("timestamp14", v)
			msg = "INFO  [batch-1] j.e.n.batch.ExportJob - export started at " v " rows=" rr(1000, 125000) }
		else if (k < 73) { v = la_epoch_ms(); look("epoch_ms13_checksum", v)
			msg = "DEBUG [" th "] j.e.n.cache.CacheManager - put key=person:" rr(100001, 225000) " expires=" v }
		else if (k < 76) { v = pick("東京都千代田区 大阪府大阪市北区 北海道札幌市 福岡県福岡市"); look("prefecture_municipality_only", v)
			msg = "INFO  [" th "] j.e.n.web.WeatherWidget - 天気取得 " v " 晴れ 気温=" rr(15, 28) "." ri(10) }
		else if (k < 78) { v = pick("ノート_パソコン プリンター_トナー コピー_ヨウシ ファイル_ボックス"); gsub(/_/, " ", v); look("katakana_words_no_context", v)
			msg = "INFO  [" th "] j.e.n.svc.SupplyService - 備品発注 品名=" v " 数量=" rr(1, 20) }
		else if (k < 80) { v = la_serial(); look("phone_like_serial", v)
			msg = "INFO  [" th "] j.e.n.device.TerminalService - 端末登録 serial=" v " model=" pick("KX-100 TR-20 ZB-3") }
		else if (k < 82) { v = sprintf("2015-%02d-%02d", rr(5, 6), rr(1, 28)); look("date_no_context", v)
			msg = "INFO  [" th "] j.e.n.svc.PaymentService - 振込予定日 " v " 処理済" }
		else if (k < 84) { person(); phone_jp(); f = fw(V); plant("jp.phone", V); plant("jp.name", P_NAME)
			msg = "INFO  [" th "] j.e.n.web.InquiryForm - 問合せ受付 氏名：" fw_name(P_NAME) " 電話：" f }
		else if (k < 86) { v = intl_jp_phone(); plant("jp.phone", v)
			msg = "INFO  [sms-1] j.e.n.notify.SmsService - SMS送信 to=" v " template=" pick("reminder verify notice") }
		else { msg = "INFO  [" th "] j.e.n.web.AccessLog - " pick("GET POST") " " pick("/records/person/ /api/persons/ /records/history/") rr(100001, 225000) " " pick("200 200 200 404") " " rr(3, 800) "ms" }
		emit("app/app.log", t_app(s) " " msg)
	}
}
function fw_name(s) { gsub(/ /, IDSP, s); return s }
# A Japanese number in +81 form: +81-90-1234-5678, +81 90 1234 5678,
# +819012345678, +81-(0)90-1234-5678, +81-3-1234-5678, +81 45 212 3456.
function intl_jp_phone(   n, k, p, g) {
	phone_jp(); n = V; gsub(/-/, "", n); n = substr(n, 2); k = ri(4)
	p = k == 0 ? "+81-" : k == 1 ? "+81 " : k == 2 ? "+81" : "+81-(0)"
	g = k == 1 ? " " : k == 2 ? "" : "-"
	if (n ~ /^[5789]0/) return p substr(n, 1, 2) g substr(n, 3, 4) g substr(n, 7)
	if (g == "") { p = "+81-"; g = "-" }
	n = substr(V, 2); gsub(/-/, g, n)
	return p n
}

# ================================================================ app: JSON
# An international web shop's API log, one JSON object a line.
function apijson(   i, s, k, v, f, rec, h, m) {
	s = 10 * 3600
	for (i = 0; i < 450; i++) {
		s += rr(1, 90); k = ri(100); h = int(s / 3600); m = int(s % 3600 / 60)
		rec = "{\"ts\":\"" sprintf("2015-05-08T%02d:%02d:%02d.%03dZ", h - 9, m, s % 60, ri(1000)) "\",\"level\":\"info\","
		if (k < 25) {
			person(); email(P_GIVR, P_SURR); plant("email", V); f = V; e164(); plant("phone.e164", V)
			rec = rec "\"msg\":\"customer created\",\"customer\":{\"id\":" rr(5000, 9999) ",\"email\":\"" f "\",\"phone\":\"" V "\",\"country\":\"" pick("US GB DE") "\"}}"
		} else if (k < 40) {
			v = chance(0.7) ? ipv4_doc() : ipv6_doc(); plant(v ~ /:/ ? "ipv6" : "ipv4", v); dob_intl(); plant("date_of_birth", V); f = V
			ssn(); plant("us.ssn", V)
			rec = rec "\"msg\":\"kyc check\",\"client_ip\":\"" v "\",\"applicant\":{\"dob\":\"" f "\",\"ssn\":\"" V "\",\"result\":\"pass\"}}"
		} else if (k < 52) {
			nino(); plant("uk.nino", V); f = V; dob_intl(); plant("date_of_birth", V)
			rec = rec "\"msg\":\"payroll import\",\"employee\":{\"nino\":\"" f "\",\"birth_date\":\"" V "\",\"tax_code\":\"1100L\"}}"
		} else if (k < 64) {
			iban(); plant("iban", V); f = V; rec = rec "\"msg\":\"payout\",\"iban\":\"" f "\",\"amount\":" rr(10, 5000) "." sprintf("%02d", ri(100)) ",\"currency\":\"EUR\"}"
		} else if (k < 76) {
			card(); plant("payment_card", F); rec = rec "\"msg\":\"charge\",\"card\":{\"number\":\"" F "\",\"exp\":\"" sprintf("%02d/%02d", rr(1, 12), rr(16, 20)) "\"},\"amount\":" rr(5, 900) "}"
		} else if (k < 82) {
			v = la_card_bad(); look("card_luhn_fail", v); rec = rec "\"msg\":\"order\",\"order_ref\":\"" v "\",\"items\":" rr(1, 9) "}"
		} else if (k < 86) {
			v = la_iban_bad(); look("iban_bad_check", v); rec = rec "\"msg\":\"payout rejected\",\"reason\":\"bad iban\",\"input\":\"" v "\"}"
		} else if (k < 89) {
			v = la_ssn_bad(); look("ssn_invalid_area", v); rec = rec "\"msg\":\"kyc check\",\"applicant\":{\"ssn\":\"" v "\",\"result\":\"invalid\"}}"
		} else if (k < 93) {
			v = la_uuid(); look("uuid", v); rec = rec "\"msg\":\"request\",\"request_id\":\"" v "\",\"duration_ms\":" rr(3, 900) "}"
		} else if (k < 96) {
			v = upper(2) digs(6) pick("A B C D"); look("nino_like_no_context", v); rec = rec "\"msg\":\"ticket\",\"ref\":\"" v "\"}"
		} else {
			v = la_version(); look("version", v); rec = rec "\"msg\":\"client\",\"sdk\":\"shop-ios/" v "\"}"
		}
		emit("app/api.jsonl", rec)
	}
}

# ================================================================ db: PostgreSQL
# PostgreSQL 9.4 with log_statement = 'all', log_line_prefix = '%m [%p] %q%u@%d ':
# statements carry their values, and extended-protocol parameters come in a
# DETAIL line of their own.
function t_pg(s) { return sprintf("2015-05-08 %02d:%02d:%02d.%03d JST", int(s / 3600) % 24, int(s % 3600 / 60), s % 60, ri(1000)) }
function postgres(   i, s, k, p, pre, v, f, g, x) {
	s = 9 * 3600
	for (i = 0; i < 900; ) {
		s += rr(1, 30); k = ri(100); p = pick("1342 1343 1345 1348"); pre = t_pg(s) " [" p "] nenkin_app@nenkin "
		if (k < 18) {
			emit("db/postgresql.log", pre "LOG:  execute <unnamed>: SELECT id, shimei, kana, birth_date, jusho FROM persons WHERE kiso_nenkin_no = $1"); i++
			pension(); plant("jp.pension_number", V)
			emit("db/postgresql.log", pre "DETAIL:  parameters: $1 = '" V "'"); i++
		} else if (k < 30) {
			person(); phone_jp(); plant("jp.phone", V); plant("jp.address", P_ADDR)
			emit("db/postgresql.log", pre "LOG:  statement: UPDATE persons SET tel = '" V "', jusho = '" P_ADDR "', updated_at = now() WHERE id = " rr(100001, 225000)); i++
		} else if (k < 40) {
			person(); pension(); plant("jp.pension_number", V); f = V; phone_jp(); plant("jp.phone", V); g = V; email(P_SURR, P_GIVR); plant("email", V)
			x = sprintf("%d-%02d-%02d", P_Y, P_M, P_D); look("date_far_from_context", x)
			emit("db/postgresql.log", pre "LOG:  statement: INSERT INTO persons (id, shimei, kana, birth_date, kiso_nenkin_no, tel, email) VALUES (" rr(225001, 226000) ", '" P_NAME "', '" P_KANA "', '" x "', '" f "', '" g "', '" V "')"); i++
		} else if (k < 46) {
			emit("db/postgresql.log", pre "LOG:  execute <unnamed>: SELECT id FROM persons WHERE kojin_bango = $1"); i++
			my_number(); look("my_number_no_context", V)
			emit("db/postgresql.log", pre "DETAIL:  parameters: $1 = '" V "'"); i++
		} else if (k < 50) {
			password(); plant("credential.password", V)
			emit("db/postgresql.log", t_pg(s) " [" rr(20000, 30000) "] postgres@nenkin LOG:  statement: ALTER ROLE " pick("report_ro batch_rw app_ro") " WITH LOGIN PASSWORD '" V "';"); i++
		} else if (k < 60) {
			emit("db/postgresql.log", pre "LOG:  duration: " rr(0, 900) "." sprintf("%03d", ri(1000)) " ms"); i++
		} else if (k < 68) {
			v = ipv4_int(); look("ipv4_no_context", v)
			emit("db/postgresql.log", t_pg(s) " [" rr(20000, 30000) "] [unknown]@[unknown] LOG:  connection received: host=" v " port=" rr(40000, 60000)); i++
		} else if (k < 74) {
			emit("db/postgresql.log", t_pg(s) " [604] LOG:  checkpoint complete: wrote " rr(10, 9000) " buffers (" ri(30) "." ri(10) "%); 0 transaction log file(s) added, 0 removed, " ri(5) " recycled; write=" rr(1, 270) "." sprintf("%03d", ri(1000)) " s, sync=0." sprintf("%03d", ri(1000)) " s, total=" rr(1, 270) "." sprintf("%03d", ri(1000)) " s; sync files=" rr(1, 200) ", longest=0." sprintf("%03d", ri(1000)) " s, average=0.00" ri(10) " s"); i++
		} else if (k < 80) {
			v = la_order12(); look("order_number12_checksum", v)
			emit("db/postgresql.log", pre "LOG:  statement: UPDATE receipts SET status = 'done' WHERE receipt_no = " v); i++
		} else if (k < 85) {
			person(); emit("db/postgresql.log", pre "LOG:  execute <unnamed>: UPDATE persons SET birth_date = $1 WHERE id = $2"); i++
			v = sprintf("%d-%02d-%02d", P_Y, P_M, P_D); look("date_no_context", v)
			emit("db/postgresql.log", pre "DETAIL:  parameters: $1 = '" v "', $2 = '" rr(100001, 225000) "'"); i++
		} else if (k < 90) {
			v = "0/" sprintf("%X", rr(16777216, 268435455)); emit("db/postgresql.log", t_pg(s) " [612] LOG:  redo starts at " v); i++
		} else {
			emit("db/postgresql.log", pre "LOG:  execute <unnamed>: SELECT count(*) FROM persons WHERE updated_at > $1"); i++
			v = la_ts14(); look("timestamp14", v)
			emit("db/postgresql.log", pre "DETAIL:  parameters: $1 = '" v "'"); i++
		}
	}
}

# ================================================================ exports
# A register exported by the pension office's system, UTF-8 with LF; the
# column headers are the context.
function exports_utf8(   i, f) {
	emit("exports/meibo_utf8.csv", "管理番号,氏名,フリガナ,性別,生年月日,郵便番号,住所,電話番号,メールアドレス,基礎年金番号,個人番号,更新日時")
	for (i = 0; i < 150; i++) {
		person(); v = la_order12(); look("order_number12_checksum", v)
		plant("jp.name", P_NAME); plant("jp.name", P_KANA); f = v "," P_NAME "," P_KANA "," pick("男 女")
		dob_jp(); plant("jp.date_of_birth", V); f = f "," V
		postal(); plant("jp.postal_code", V); f = f "," V
		plant("jp.address", P_ADDR); f = f "," P_ADDR (chance(0.2) ? " " pick(BUILDINGS) pick("本町 緑町 中央") rr(101, 905) : "")
		phone_jp(); plant("jp.phone", V); f = f "," V
		email(P_SURR, P_GIVR); plant("email", V); f = f "," V
		pension(); plant("jp.pension_number", V); f = f "," V
		my_number(); plant("jp.my_number", V); f = f "," V
		v = la_ts14(); look("timestamp14", v); f = f "," v
		emit("exports/meibo_utf8.csv", f)
	}
}
# The same kind of list kept by clerks in Excel, saved as CSV: CP932 with CRLF,
# ideographic spaces in names, full-width digits and dashes typed by hand,
# half-width katakana readings, 髙 (a CP932-only character), era dates.
function exports_cp932(   i, f, v, d) {
	CRLF["exports/meibo_cp932.csv"] = 1
	emit("exports/meibo_cp932.csv", "氏名,フリガナ,生年月日,郵便番号,住所,電話番号,基礎年金番号,受付日")
	for (i = 0; i < 130; i++) {
		person()
		if (i % 25 == 3) { P_SUR = "髙橋"; P_SURK = "タカハシ"; P_NAME = P_SUR " " P_GIV; P_KANA = P_SURK " " P_GIVK }
		if (i == 7) { P_Y = 1989; P_M = 1; P_D = 7 }             # last day of Showa
		if (i == 8) { P_Y = 1989; P_M = 1; P_D = 8 }             # first day of Heisei
		plant("jp.name", P_NAME); f = fw_name(P_NAME)
		v = chance(0.5) ? hankaku(P_SURK) " " hankaku(P_GIVK) : P_KANA; plant("jp.name", v); f = f "," (chance(0.5) ? fw_name(v) : v)
		plant("jp.date_of_birth", wareki(P_Y, P_M, P_D)); f = f "," (chance(0.3) ? zen_digits(wareki(P_Y, P_M, P_D)) : wareki(P_Y, P_M, P_D))
		postal(); plant("jp.postal_code", V); f = f "," (chance(0.5) ? fw(V) : V)
		plant("jp.address", P_ADDR); v = P_ADDR
		if (chance(0.4) && match(v, /^(北海道|東京都|大阪府|京都府|[^ ]*県)/)) {
			v = substr(v, 1, RLENGTH) IDSP substr(v, RLENGTH + 1); PLV[NPL] = substr(P_ADDR, 1, RLENGTH) " " substr(P_ADDR, RLENGTH + 1)
		}
		f = f "," (chance(0.4) ? zen_digits(dashes(v, "－")) : v)
		phone_jp(); plant("jp.phone", V); d = pick("－ ー ‐ －"); f = f "," (chance(0.6) ? zen_digits(dashes(V, d)) : V)
		pension(); sub(/-/, "", V); plant("jp.pension_number.bare", V); f = f "," (chance(0.3) ? zen_digits(V) : V)
		v = wareki(2015, rr(4, 5), rr(1, 28)); look("date_no_context", v); f = f "," v
		emit("exports/meibo_cp932.csv", f)
	}
}
# An insured-persons list from a health insurance society, EUC-JP with LF
# (an old Unix system): identity documents of foreign residents included.
function exports_eucjp(   i, f, v) {
	emit("exports/hihokensha_eucjp.csv", "氏名,生年月日,保険者番号,記号,番号,在留カード番号,旅券番号,運転免許証番号,電話番号,住所")
	for (i = 0; i < 100; i++) {
		person(); plant("jp.name", P_NAME); f = P_NAME
		v = wareki(P_Y, P_M, P_D); plant("jp.date_of_birth", v); f = f "," v
		insurer(); plant("jp.health_insurance", V); f = f "," V "," rr(1000, 99999) "," rr(1, 999)
		if (chance(0.3)) { residence(); plant("jp.residence_card", V); f = f "," V } else f = f ","
		if (chance(0.5)) { passport(); plant("jp.passport", V); f = f "," V } else f = f ","
		if (chance(0.6)) { licence(); plant("jp.drivers_licence", V); f = f "," V } else f = f ","
		phone_jp(); plant("jp.phone", V); f = f "," (chance(0.5) ? zen_digits(dashes(V, "−")) : V)
		plant("jp.address", P_ADDR); f = f "," P_ADDR
		emit("exports/hihokensha_eucjp.csv", f)
	}
}
# pg_dump of an international web shop's customers table (COPY format, tab
# separated). No column name sits next to a value, so identifiers that need
# context (NINO, dates of birth) stay low here and are not expected.
function customers_dump(   i, f, v, g) {
	emit("exports/customers.sql", "--")
	emit("exports/customers.sql", "-- PostgreSQL database dump")
	emit("exports/customers.sql", "--")
	emit("exports/customers.sql", "")
	emit("exports/customers.sql", "SET statement_timeout = 0;")
	emit("exports/customers.sql", "SET client_encoding = 'UTF8';")
	emit("exports/customers.sql", "SET standard_conforming_strings = on;")
	emit("exports/customers.sql", "")
	emit("exports/customers.sql", "COPY public.customers (id, full_name, email, phone, birth_date, ssn, nino, iban, card_number, password_hash, last_login_ip) FROM stdin;")
	for (i = 0; i < 170; i++) {
		g = pick("John Mary James Emma Oliver Sophie Lukas Anna Marie"); v = pick("Smith Jones Brown Miller Wilson Schmidt Taylor Davies")
		f = (5000 + i) "\t" g " " v
		email(tolower(v), tolower(g)); plant("email", V); f = f "\t" V
		e164(); plant("phone.e164", V); f = f "\t" V
		dob_intl(); look("date_no_context", V); f = f "\t" V
		if (chance(0.5)) { ssn(); plant("us.ssn", V); f = f "\t" V } else f = f "\t\\N"
		if (chance(0.4)) { nino(); look("nino_no_context", V); f = f "\t" V } else f = f "\t\\N"
		if (chance(0.5)) { iban(); plant("iban", V); f = f "\t" V } else f = f "\t\\N"
		if (chance(0.6)) { card(); plant("payment_card", F); f = f "\t" F } else f = f "\t\\N"
		if (chance(0.8)) bcrypt(); else md5crypt()
		plant("credential.crypt_hash", V); f = f "\t" V
		v = chance(0.8) ? ipv4_doc() : ipv6_doc(); look("ip_no_context", v); f = f "\t" v
		emit("exports/customers.sql", f)
	}
	emit("exports/customers.sql", "\\.")
	emit("exports/customers.sql", "")
}

# ================================================================ forms
# Contact-form submissions mailed to a municipal office and archived as text:
# people type full-width digits, full-width @, every kind of dash.
function forms_fullwidth(   i, k, v, d) {
	for (i = 0; i < 55; i++) {
		person()
		v = "20150508" sprintf("%03d", i); look("receipt_number", v)	# a string: mawk prints numbers above 2^31 as 2.01505e+10
		emit("forms/inquiry_fullwidth.txt", "---- 受付番号 " v " ----")
		plant("jp.name", P_NAME); emit("forms/inquiry_fullwidth.txt", "お名前：" fw_name(P_NAME))
		plant("jp.name", P_KANA); emit("forms/inquiry_fullwidth.txt", "フリガナ：" fw_name(P_KANA))
		postal(); plant("jp.postal_code", V); plant("jp.address", P_ADDR)
		emit("forms/inquiry_fullwidth.txt", "住所：〒" fw(V) "　" zen_digits(P_ADDR))
		phone_jp(); plant("jp.phone", V); d = pick("－ ー ‐ ― − ﹣ ｰ"); emit("forms/inquiry_fullwidth.txt", "電話番号：" zen_digits(dashes(V, d)))
		email(P_GIVR, P_SURR); plant("email", V); emit("forms/inquiry_fullwidth.txt", "メール：" fw(V))
		v = la_order12(); look("order_number12_checksum", v); emit("forms/inquiry_fullwidth.txt", "注文番号：" zen_digits(v))
		k = ri(4)
		if (k == 0) { dob_jp(); plant("jp.date_of_birth", V); emit("forms/inquiry_fullwidth.txt", "生年月日：" zen_digits(V)) }
		else if (k == 1) { my_number(); plant("jp.my_number", V); emit("forms/inquiry_fullwidth.txt", "マイナンバー：" zen_digits(V)) }
		else if (k == 2) { pension(); plant("jp.pension_number", V); emit("forms/inquiry_fullwidth.txt", "基礎年金番号：" zen_digits(dashes(V, "ー"))) }
		else emit("forms/inquiry_fullwidth.txt", "種別：" pick("住所変更 年金相談 証明書発行"))
		emit("forms/inquiry_fullwidth.txt", "内容：" pick("住所変更の手続きについて教えてください。 年金の受給開始時期を知りたいです。 証明書の再発行をお願いします。 窓口の受付時間を教えてください。"))
		emit("forms/inquiry_fullwidth.txt", "")
	}
}
# The same from a legacy system in Shift_JIS (not CP932): the minus sign
# U+2212 is 0x817C here, which CP932 reads as U+FF0D; both are dashes.
function forms_sjis(   i) {
	for (i = 0; i < 60; i++) {
		person(); phone_jp(); plant("jp.phone", V); plant("jp.name", P_NAME)
		emit("forms/legacy_sjis.txt", "氏名：" fw_name(P_NAME) "　電話：" zen_digits(dashes(V, "−")) "　受付：" sprintf("2015/05/%02d", rr(1, 8)))
	}
}
# Deployment settings left on the file share.
function settings(   i, v) {
	emit("misc/settings.env", "# nenkin-app production settings (do not commit)")
	emit("misc/settings.env", "APP_ENV=production")
	v = la_version(); look("version", v); emit("misc/settings.env", "APP_VERSION=" v)
	for (i = 0; i < 25; i++) {
		emit("misc/settings.env", "")
		emit("misc/settings.env", "# ---- " pick("app batch report api") sprintf("%02d", i + 1) " (" pick("production staging") ")")
		password(); plant("credential.password", V); emit("misc/settings.env", pick("DB SMTP REDIS LDAP BATCH") "_PASSWORD=" V)
		emit("misc/settings.env", pick("DB SMTP REDIS LDAP BATCH") "_HOST=" ipv4_int())
		aws_key(); plant("credential.aws_access_key", V); emit("misc/settings.env", "AWS_ACCESS_KEY_ID=" V)
		emit("misc/settings.env", "AWS_SECRET_ACCESS_KEY=" alnum(40, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+"))
		v = "AKIA" alnum(16, "abcdefghijklmnopqrstuvwxyz234567"); look("aws_like_lowercase", v); emit("misc/settings.env", "# old key (revoked): " v)
		v = pick("******** [REDACTED] ${SESSION_SECRET}"); look("masked_password", v); emit("misc/settings.env", "SESSION_PASSWORD=" v)
	}
}

# ================================================================ batch log
# A night batch's log: nothing personal, only the numbers that look like it.
function batch(   i, k, v, s) {
	s = 2 * 3600
	for (i = 0; i < 500; i++) {
		s += rr(1, 20); k = ri(15)
		if (k == 0) { v = la_order12(); look("order_number12_checksum", v); v = "order " v " processed items=" rr(1, 9) }
		else if (k == 1) { v = la_ts14(); look("timestamp14", v); v = "snapshot " v " bytes=" rr(100000, 99999999) }
		else if (k == 2) { v = la_uuid(); look("uuid", v); v = "job_id=" v " state=done" }
		else if (k == 3) { v = la_version(); look("version", v); v = "client version " v " connected from worker-" rr(1, 8) }
		else if (k == 4) { v = la_serial(); look("phone_like_serial", v); v = "device serial " v " synced" }
		else if (k == 5) { v = "0" pick("9 8 7") "0-" rr(100, 999) "-" sprintf("%04d", ri(10000)); look("phone_like_3_3_4", v); v = "ticket " v " closed" }
		else if (k == 6) { v = la_card_bad(); look("card_luhn_fail", v); v = "invoice " v " paid" }
		else if (k == 7) { v = rr(1, 9); v = v v v v v v v v v v v v v v v; v = v luhn_cd(v); look("card_repeated_digits", v); v = "test pan " v " rejected" }
		else if (k == 8) { v = la_iban_bad(); look("iban_bad_check", v); v = "sepa file ref " v }
		else if (k == 9) { v = la_ssn_bad(); look("ssn_invalid_area", v); v = "import row ssn_field=" v " skipped" }
		else if (k == 10) { v = pick("TK TZ MZ") digs(7); look("passport_like_no_context", v); v = "parcel " v " delivered" }
		else if (k == 11) { v = sprintf("%03d-%04d", rr(100, 999), ri(10000)); look("postal_like_no_context", v); v = "part no " v " restocked" }
		else if (k == 12) { v = la_epoch_ms(); look("epoch_ms13_checksum", v); v = "lock acquired at " v }
		else if (k == 13) { v = sprintf("20%02d-%02d-%02d", rr(10, 15), rr(1, 12), rr(1, 28)); look("date_no_context", v); v = "retention cutoff " v }
		else { v = "0" rr(1, 9) "-" rr(1000, 9999) "-" digs(4) "-" digs(2); look("phone_like_extra_group", v); v = "route " v " assigned" }
		emit("misc/batch.log", sprintf("2015-05-09T%02d:%02d:%02d+09:00 batch01 nightly[%d]: ", int(s / 3600), int(s % 3600 / 60), s % 60, 4312) v)
	}
}
AWK

# ------------------------------------------------------------ encodings, files
out=corpus
rm -rf "$out"
mkdir -p "$out/web" "$out/app" "$out/db" "$out/exports" "$out/forms" "$out/misc"
for f in web/nginx-access.log web/apache-access.log web/apache-error.log app/app.log app/api.jsonl \
	db/postgresql.log exports/meibo_utf8.csv exports/customers.sql forms/inquiry_fullwidth.txt \
	misc/settings.env misc/batch.log; do
	cp "$work/$f" "$out/$f"
done
iconv -f UTF-8 -t CP932 "$work/exports/meibo_cp932.csv" > "$out/exports/meibo_cp932.csv"
iconv -f UTF-8 -t EUC-JP "$work/exports/hihokensha_eucjp.csv" > "$out/exports/hihokensha_eucjp.csv"
iconv -f UTF-8 -t SHIFT_JIS "$work/forms/legacy_sjis.txt" > "$out/forms/legacy_sjis.txt"
sort -t "$(printf '\t')" -k1,1 -k2,2n -k3,3 -k4,4 "$work/expected" > "$out/expected.tsv"
sort -t "$(printf '\t')" -k1,1 -k2,2n -k3,3 -k4,4 "$work/lookalikes" > "$out/lookalikes.tsv"
sort "$work/counts" > "$work/counts.sorted"
echo "make-corpus.sh: $(wc -l < "$out/expected.tsv" | tr -d ' ') expected findings, $(wc -l < "$out/lookalikes.tsv" | tr -d ' ') look-alikes, $(cat "$out"/*/* | wc -c | tr -d ' ') bytes of data" >&2
