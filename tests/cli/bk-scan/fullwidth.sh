# Full-width digits and dash look-alikes are found; the offset points at the
# original (full-width) bytes, and --show-values prints them folded.
printf 'お問い合わせ 電話番号：０９０－３８１７－２９４６ まで\n' > form.txt
bk-scan --show-values --format tsv form.txt
