# Rows read cell by cell give what whole rows give, on one thread and on two:
# quoted cells holding delimiters, quotes and line breaks, CRLF, a stray lead
# byte just before a context word, full-width digits, rows a context word
# sends back whole, and the same rows in CP932. 1500 rows: several batches
# for each thread, and repeated cells for the memos.
gen() {
	awk -v enc="$1" 'BEGIN {
		# The words in UTF-8 and in CP932 (bytes as octal escapes).
		u["hdr"] = "氏名,電話番号,基礎年金番号,備考"
		s["hdr"] = "\216\201\226\274,\223\144\230\142\224\324\215\206,\212\356\221\142\224\116\213\340\224\324\215\206,\224\365\215\154"
		u["yamada"] = "山田"; s["yamada"] = "\216\122\223\143"
		u["taro"] = "太郎"; s["taro"] = "\221\276\230\131"
		u["hanako"] = "花子"; s["hanako"] = "\211\324\216\161"
		u["uketsuke"] = "受付"; s["uketsuke"] = "\216\363\225\164"
		u["madoguchi"] = "窓口"; s["madoguchi"] = "\221\213\214\373"
		u["nigyome"] = "二行目"; s["nigyome"] = "\223\361\215\163\226\332"
		u["nenkin"] = "年金番号"; s["nenkin"] = "\224\116\213\340\224\324\215\206"
		u["fwphone"] = "０９０－３８１７－２９４６"
		s["fwphone"] = "\202\117\202\130\202\117\201\174\202\122\202\127\202\120\202\126\201\174\202\121\202\130\202\123\202\125"
		for (k in u)
			w[k] = enc == "cp932" ? s[k] : u[k]
		printf "%s\r\n", w["hdr"]
		seed = 4711
		for (i = 1; i <= 1500; i++) {
			seed = (seed * 48271) % 2147483647
			n = seed % 10000
			if (i % 6 == 0)
				note = "\"" w["uketsuke"] ", " w["madoguchi"] "\r\n" w["nigyome"] "\""
			else if (i % 6 == 1)
				note = (enc == "cp932" ? "" : "\343") w["nenkin"] sprintf("1032784%03d", i % 1000)
			else if (i % 6 == 2)
				note = w["fwphone"]
			else if (i % 6 == 3)
				note = w["nenkin"] " 41203856" (i % 10) "7"
			else if (i % 6 == 4)
				note = "\"a \"\"quoted\"\" cell, with 090-1234-" sprintf("%04d", n) "\""
			else
				note = ""
			printf "%s %s,090-%04d-%04d,%04d-%06d,%s\r\n", w["yamada"], i % 2 ? w["taro"] : w["hanako"],
			    n, i % 10000, 1000 + n % 9000, (seed / 7) % 1000000, note
		}
	}'
}
gen utf-8 > u.csv
gen cp932 > s.csv
# The stray byte makes the UTF-8 file look like something else: say what it is.
for f in u.csv:utf-8 s.csv:cp932; do
	st=0
	bk-records --format json --encoding="${f#*:}" -j 1 "${f%:*}" > one.json 2> one.err || st=$?
	echo "exit $st"
	st=0
	bk-records --format json --encoding="${f#*:}" -j 2 "${f%:*}" > two.json 2> two.err || st=$?
	echo "exit $st"
	cmp one.json two.json
	cmp one.err two.err
	cat two.err two.json
	echo
done
