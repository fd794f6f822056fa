# The text table: Shift_JIS CSV with Japanese headers, era dates and full-width digits.
bk-records --format text "$BK_DATA/exports/persons-sjis.csv" | sed "s|$BK_DATA/||"
