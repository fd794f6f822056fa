/*
 * validate.c - the built-in validators of the personal-data rules; see
 * validate.h.
 *
 * A rule's regular expression finds text of the right shape; a validator
 * decides whether that text can be a real identifier. Precision matters more
 * than elegance here: logs are full of 12-digit timestamps, order numbers and
 * version strings that have the shape of an identifier, and about one random
 * number in ten passes any one-digit checksum. So every validator checks all
 * that the public specification allows it to check (check digits, issued
 * ranges, real calendar days, number plans) and also rejects the look-alikes
 * people type when they need a sample (all digits the same, 1234567890
 * runs), which pass a checksum by accident or by design.
 *
 * Validators see text after normalisation (normalize.h): ASCII digits and
 * letters, '-' for every dash look-alike, ' ' for the ideographic space. They
 * are pure functions of (text, len): they never read past LEN, never
 * allocate, and take any bytes (a NUL, invalid UTF-8) without harm. Each
 * algorithm names its source in a comment beside it.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>

#include "validate.h"
#include "validate-private.h"

/* ---- character classes and digit collection ---------------------------- */

static bool
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static bool
is_upper(unsigned char c)
{
	return c >= 'A' && c <= 'Z';
}

static bool
is_alpha(unsigned char c)
{
	return is_upper(c) || (c >= 'a' && c <= 'z');
}

static unsigned char
to_upper(unsigned char c)
{
	return c >= 'a' && c <= 'z' ? (unsigned char)(c - 'a' + 'A') : c;
}

/* Separators may stand between any two digits. */
#define SEP_ANYWHERE UINT64_MAX
/* A separator may stand after the Nth digit. */
#define SEP_AFTER(n) ((uint64_t)1 << (n))

/*
 * Collects the digits of S into D (as values 0-9, at most MAX). One
 * character of SEPS may stand between two digits, and only after the digit
 * counts that AFTER allows, so "1234-5678-9012" passes as a My Number but
 * "12-345678-9012" does not. Anything else, a leading or trailing separator,
 * two separators in a row, or more than MAX digits fails.
 */
static bool
digits(const char *s, size_t len, const char *seps, uint64_t after, unsigned char *d,
    size_t max, size_t *n)
{
	size_t k = 0;
	bool prev_digit = false;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (is_digit(c)) {
			if (k == max)
				return false;
			d[k++] = (unsigned char)(c - '0');
			prev_digit = true;
		} else if (c != '\0' && strchr(seps, c) != NULL && prev_digit && k < 64 &&
		    (after >> k & 1) != 0) {
			prev_digit = false;
		} else {
			return false;
		}
	}
	*n = k;
	return prev_digit;
}

/* The decimal value of D[0..N), N <= 9. */
static unsigned long
value(const unsigned char *d, size_t n)
{
	unsigned long v = 0;

	for (size_t i = 0; i < n; i++)
		v = v * 10 + d[i];
	return v;
}

/* ---- look-alikes ---------------------------------------------------------- */

/* All N digits the same: 0000-0000-0000, 1111-111111. */
static bool
repeated(const unsigned char *d, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (d[i] != d[0])
			return false;
	return true;
}

/*
 * Each digit one more (or each one less) than the one before, wrapping 9 to 0:
 * 1234-567890, 12345678901, 9876543210. Sample numbers in forms, manuals and
 * test data are written this way.
 */
static bool
sequential(const unsigned char *d, size_t n)
{
	bool up = true, down = true;

	if (n < 2)
		return false;
	for (size_t i = 1; i < n; i++) {
		if (d[i] != (d[i - 1] + 1) % 10)
			up = false;
		if (d[i] != (d[i - 1] + 9) % 10)
			down = false;
	}
	return up || down;
}

static bool
look_alike(const unsigned char *d, size_t n)
{
	return repeated(d, n) || sequential(d, n);
}

/* ---- check digits ----------------------------------------------------------- */

/*
 * My Number check digit. Source: 総務省令第八十五号 (平成26年), 第五条
 * 「検査用数字を算出する算式」: Pn is the nth digit of the 11-digit body counted
 * from the right, Qn = n + 1 for 1 <= n <= 6 and n - 5 for 7 <= n <= 11; the
 * check digit is 11 - (sum(Pn * Qn) mod 11), or 0 when that remainder is 0
 * or 1. Published vector: 983205673214 (qiita.com/ekzemplaro).
 */
static unsigned
my_number_check(const unsigned char *body)
{
	unsigned sum = 0, r;

	for (unsigned n = 1; n <= 11; n++)
		sum += body[11 - n] * (n <= 6 ? n + 1 : n - 5);
	r = sum % 11;
	return r <= 1 ? 0 : 11 - r;
}

/*
 * Corporate Number check digit (the FIRST of the 13 digits). Source:
 * 財務省令第七十号 (平成26年) 「法人番号の指定等に関する省令」第二条 and the
 * 国税庁 法人番号公表サイト note "checkdigit.pdf": Pn is the nth digit of the
 * 12-digit base number counted from the right, Qn = 1 for odd n and 2 for
 * even n; the check digit is 9 - (sum(Pn * Qn) mod 9). Published vectors:
 * 7123456789012 (the NTA's worked example), 4011001098993.
 */
static unsigned
corporate_check(const unsigned char *base)
{
	unsigned sum = 0;

	for (unsigned n = 1; n <= 12; n++)
		sum += base[12 - n] * (n % 2 == 1 ? 1 : 2);
	return 9 - sum % 9;
}

/*
 * Luhn (ISO/IEC 7812-1 Annex B, "modulus 10, weights 2 1"): from the right,
 * every second digit is doubled and the digits of the products summed; the
 * total must be a multiple of 10 (the last digit is the check digit).
 */
static bool
luhn(const unsigned char *d, size_t n)
{
	unsigned sum = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned v = d[n - 1 - i];

		if (i % 2 == 1)
			v = v * 2 > 9 ? v * 2 - 9 : v * 2;
		sum += v;
	}
	return sum % 10 == 0;
}

/*
 * Driver's licence check digit (the 11th of 12 digits). No statute publishes
 * it; the numbering is in prefectural police procedure manuals (沖縄県警察
 * 「運転免許事務取扱要領」: 公安委員会コード, 年号記号, 交付番号, チェックデジット,
 * 再交付記号) and the algorithm, modulus 11 with weights 5 4 3 2 7 6 5 4 3 2 over
 * the first ten digits, check = (11 - sum mod 11) mod 10, is the one every
 * public description gives (e.g. tetsutalow.github.io/driversnumbercheckdigit,
 * jiko0.com/bangou.html). The final "mod 10" maps remainders 0 and 10 both to
 * 1, so every body has exactly one check digit.
 */
static unsigned
licence_check(const unsigned char *d)
{
	static const unsigned char w[10] = { 5, 4, 3, 2, 7, 6, 5, 4, 3, 2 };
	unsigned sum = 0;

	for (size_t i = 0; i < 10; i++)
		sum += d[i] * w[i];
	return (11 - sum % 11) % 10;
}

/* ---- dates ---------------------------------------------------------------- */

static bool
leap_year(unsigned long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Proleptic Gregorian calendar. */
static bool
real_day(unsigned long y, unsigned long m, unsigned long d)
{
	static const unsigned char mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m < 1 || m > 12 || d < 1)
		return false;
	return d <= mdays[m - 1] + (m == 2 && leap_year(y) ? 1u : 0u);
}

/* A cursor over the text for the date parsers. */
struct cur {
	const unsigned char *p, *end;
};

static bool
at_end(const struct cur *c)
{
	return c->p == c->end;
}

/* Consumes the literal LIT (UTF-8) if the text continues with it. */
static bool
eat(struct cur *c, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(c->end - c->p) < n || memcmp(c->p, lit, n) != 0)
		return false;
	c->p += n;
	return true;
}

static void
skip_spaces(struct cur *c)
{
	while (c->p < c->end && *c->p == ' ')
		c->p++;
}

/* Consumes MIN..MAX digits as a number; *NDIG receives how many there were. */
static bool
eat_number(struct cur *c, size_t min, size_t max, unsigned long *v, size_t *ndig)
{
	size_t k = 0;

	*v = 0;
	while (c->p < c->end && is_digit(*c->p) && k < max) {
		*v = *v * 10 + (unsigned long)(*c->p - '0');
		c->p++, k++;
	}
	if (ndig != NULL)
		*ndig = k;
	return k >= min && !(c->p < c->end && is_digit(*c->p));
}

/* One of the date separators '-', '/', '.'; returns it or 0. */
static unsigned char
eat_date_sep(struct cur *c)
{
	if (c->p < c->end && (*c->p == '-' || *c->p == '/' || *c->p == '.'))
		return *c->p++;
	return 0;
}

#define YMD(y, m, d) ((unsigned long)(y) * 10000 + (unsigned long)(m) * 100 + (unsigned long)(d))

/*
 * The Japanese eras since the Meiji restoration and the Gregorian days they
 * cover. Sources: 元号 proclamations (明治改元の詔, 大正・昭和改元の詔書, 元号法
 * に基づく政令 昭和64年政令第1号 and 平成31年政令第143号): 大正 from 1912-07-30,
 * 昭和 from 1926-12-25, 平成 from 1989-01-08, 令和 from 2019-05-01; each era
 * ends the day before the next begins (昭和64年1月7日 is the last Showa day).
 * Meiji was applied from the first day of 1868 (慶応4年1月1日), but Japan kept
 * the lunisolar calendar until 明治5年12月2日, the day before 1873-01-01
 * (太政官布告第337号), so dates in Meiji 1-5 are checked against lunisolar
 * months (at most 30 days) instead of Gregorian ones. Reiwa is open-ended; it
 * stops at 2099 like the Western dates.
 */
static const struct era {
	const char *kanji;
	char letter;
	unsigned long first, last;	/* YMD */
} eras[] = {
	{ "明治", 'M', YMD(1868, 1, 1), YMD(1912, 7, 29) },
	{ "大正", 'T', YMD(1912, 7, 30), YMD(1926, 12, 24) },
	{ "昭和", 'S', YMD(1926, 12, 25), YMD(1989, 1, 7) },
	{ "平成", 'H', YMD(1989, 1, 8), YMD(2019, 4, 30) },
	{ "令和", 'R', YMD(2019, 5, 1), YMD(2099, 12, 31) },
};

#define MEIJI_LUNISOLAR_LAST 5	/* 明治5年 */

/*
 * Whether year Y of ERA exists with month M and day D, where M or D may be 0
 * for a date given only to the year or the month.
 */
static bool
era_date_ok(const struct era *era, unsigned long y, unsigned long m, unsigned long d)
{
	unsigned long gy = era->first / 10000 + y - 1, lo, hi;

	if (y < 1 || gy > era->last / 10000)
		return false;
	if (era->letter == 'M' && y <= MEIJI_LUNISOLAR_LAST) {
		if (m > 12 || d > 30 || (m == 0 && d != 0))
			return false;
		/* the lunisolar calendar ended on 明治5年12月2日 */
		return !(y == MEIJI_LUNISOLAR_LAST && m == 12 && d > 2);
	}
	if (m == 0) {
		lo = YMD(gy, 1, 1), hi = YMD(gy, 12, 31);
		if (d != 0)
			return false;
	} else if (d == 0) {
		if (m > 12)
			return false;
		lo = YMD(gy, m, 1), hi = YMD(gy, m, 31);
	} else {
		if (!real_day(gy, m, d))
			return false;
		lo = hi = YMD(gy, m, d);
	}
	/* the range of days meant overlaps the era */
	return hi >= era->first && lo <= era->last;
}

/*
 * After a year: "年" optionally followed by "M月" and then "D日" (spaces
 * allowed between the parts), or SEP M SEP D with one of - / . used twice
 * when SEPS_OK. Stores 0 for the parts not given; the text must end there.
 */
static bool
parse_month_day(struct cur *c, bool seps_ok, unsigned long *m, unsigned long *d)
{
	unsigned char sep;

	*m = *d = 0;
	if (eat(c, "年")) {
		skip_spaces(c);
		if (at_end(c))
			return true;
		if (!eat_number(c, 1, 2, m, NULL) || !eat(c, "月"))
			return false;
		skip_spaces(c);
		if (at_end(c))
			return true;
		if (!eat_number(c, 1, 2, d, NULL) || !eat(c, "日"))
			return false;
		return at_end(c) && *m > 0 && *d > 0;
	}
	if (!seps_ok || (sep = eat_date_sep(c)) == 0)
		return false;
	if (!eat_number(c, 1, 2, m, NULL) || eat_date_sep(c) != sep ||
	    !eat_number(c, 1, 2, d, NULL))
		return false;
	return at_end(c) && *m > 0 && *d > 0;
}

/* ---- Japan ----------------------------------------------------------------- */

bool
bk_valid_my_number(const char *s, size_t len)
{
	unsigned char d[12];
	size_t n;

	/* written 1234 5678 9012 or in one run */
	if (!digits(s, len, " -", SEP_AFTER(4) | SEP_AFTER(8), d, sizeof d, &n) || n != 12)
		return false;
	if (look_alike(d, 11))
		return false;
	return d[11] == my_number_check(d);
}

bool
bk_valid_corporate_number(const char *s, size_t len)
{
	unsigned char d[13];
	size_t n;

	if (!digits(s, len, " -", SEP_ANYWHERE, d, sizeof d, &n) || n != 13)
		return false;
	if (look_alike(d + 1, 12))
		return false;
	return d[0] == corporate_check(d + 1);
}

/*
 * Basic pension number (基礎年金番号): a 4-digit office code (記号) and a
 * 6-digit serial (番号), printed 1234-567890 on the 年金手帳 and the 基礎年金番号
 * 通知書 (日本年金機構). No check digit is published, so this validator can only
 * reject what cannot have been issued or is plainly a sample: a part of all
 * zeros, all ten digits the same, and a 1234-567890 run. The canonical sample
 * 1234-567890 is therefore rejected: it appears in every manual and form, and
 * a finding for it would be noise.
 */
bool
bk_valid_jp_pension(const char *s, size_t len)
{
	unsigned char d[10];
	size_t n;

	if (!digits(s, len, " -", SEP_AFTER(4), d, sizeof d, &n) || n != 10)
		return false;
	if (value(d, 4) == 0 || value(d + 4, 6) == 0)
		return false;
	return !look_alike(d, 10);
}

/*
 * Japanese passport number: two letters and seven digits (外務省, 旅券法施行規則
 * の様式; the number printed as 旅券番号/Passport No.). The first letter gives the
 * book: M for the 5-year and T for the 10-year ordinary passport (TK, TR,
 * MZ, ...); the second advances as serial blocks run out and can be any
 * letter. Official and diplomatic passports use other prefixes that are not
 * published; they are not accepted. A seven-digit serial of one repeated
 * digit or a 1234567 run is a sample, not an issued number.
 */
bool
bk_valid_jp_passport(const char *s, size_t len)
{
	unsigned char d[7], a, b;
	size_t n;

	if (len < 9 || !is_alpha((unsigned char)s[0]) || !is_alpha((unsigned char)s[1]))
		return false;
	a = to_upper((unsigned char)s[0]), b = to_upper((unsigned char)s[1]);
	if ((a != 'M' && a != 'T') || !is_upper(b))
		return false;
	s += 2, len -= 2;
	if (s[0] == ' ' || s[0] == '-')	/* "TK 1234567" */
		s++, len--;
	if (!digits(s, len, "", 0, d, sizeof d, &n) || n != 7)
		return false;
	return !look_alike(d, 7);
}

/*
 * Driver's licence number (運転免許証番号), 12 digits: the public safety
 * commission of first issue (2), the last two digits of the year of first
 * issue (2), a serial (6), the check digit (1) and the reissue count (1).
 * The commission codes (10-14 Hokkaido's five areas, 20-25 Tohoku, 30
 * Tokyo, 40-55 Kanto and Chubu, 60-65 Kinki, 70-74 Chugoku, 80-83 Shikoku,
 * 90-97 Kyushu and Okinawa) are those the National Police Agency numbering
 * uses and every published list gives.
 */
static bool
licence_commission_ok(unsigned long code)
{
	return (code >= 10 && code <= 14) || (code >= 20 && code <= 25) || code == 30 ||
	    (code >= 40 && code <= 55) || (code >= 60 && code <= 65) ||
	    (code >= 70 && code <= 74) || (code >= 80 && code <= 83) ||
	    (code >= 90 && code <= 97);
}

bool
bk_valid_jp_drivers_licence(const char *s, size_t len)
{
	unsigned char d[12];
	size_t n;

	if (!digits(s, len, " -", SEP_ANYWHERE, d, sizeof d, &n) || n != 12)
		return false;
	if (!licence_commission_ok(value(d, 2)) || look_alike(d, 10))
		return false;
	return d[10] == licence_check(d);
}

/*
 * Residence card number (在留カード番号): two letters, eight digits, two
 * letters, e.g. AB12345678CD (出入国在留管理庁, 在留カード等番号失効情報照会).
 * No check character is published; an all-equal or 12345678-run serial is a
 * sample (the agency's own example is AB12345678CD).
 */
bool
bk_valid_jp_residence_card(const char *s, size_t len)
{
	unsigned char d[8];
	size_t n;

	if (len != 12)
		return false;
	for (size_t i = 0; i < 12; i++) {
		unsigned char c = (unsigned char)s[i];

		if (i < 2 || i >= 10 ? !is_alpha(c) : !is_digit(c))
			return false;
	}
	if (!digits(s + 2, 8, "", 0, d, sizeof d, &n))
		return false;
	return !look_alike(d, 8);
}

/*
 * Health insurance insurer number (保険者番号): 8 digits, the law code
 * (法別番号, 2), the prefecture (01-47, 2), the insurer (3) and a check digit;
 * National Health Insurance insurers have 6 digits (no law code). Source:
 * 厚生労働省「保険者番号等の設定について」(保険者番号設定要領): from the last
 * digit of the body leftwards multiply by 2, 1, 2, ..., add the digits of the
 * products, and the check digit is 10 minus the last digit of the sum (0 when
 * that digit is 0), which is the Luhn scheme. Published vector: 33120015.
 * The law codes accepted are the insurers' (01 02 03 04 06 07 31-34 39 63 67
 * 72-75), not the 公費 (public expense) codes.
 */
static bool
insurer_law_ok(unsigned long code)
{
	static const unsigned char codes[] = { 1, 2, 3, 4, 6, 7, 31, 32, 33, 34, 39, 63, 67, 72,
		73, 74, 75 };

	for (size_t i = 0; i < sizeof codes; i++)
		if (codes[i] == code)
			return true;
	return false;
}

bool
bk_valid_jp_insurer_number(const char *s, size_t len)
{
	unsigned char d[8];
	size_t n;
	const unsigned char *pref;

	if (!digits(s, len, " -", SEP_ANYWHERE, d, sizeof d, &n) || (n != 8 && n != 6))
		return false;
	if (n == 8 && !insurer_law_ok(value(d, 2)))
		return false;
	pref = n == 8 ? d + 2 : d;
	if (value(pref, 2) < 1 || value(pref, 2) > 47)
		return false;
	return !repeated(d, n - 1) && luhn(d, n);
}

/*
 * A Japanese number in national form (leading trunk 0), per the 電気通信番号
 * 計画 (総務省, 電気通信番号規則 別表): 11 digits for mobiles 070/080/090,
 * IP phones 050, M2M/pagers 020, FMC 060 and free dial 0800; 10 digits for
 * free dial 0120, landlines (0 + area code + local exchange + subscriber,
 * with no 0 right after the trunk 0 and no 0X0 prefix, since those are the
 * non-geographic and international prefixes) and the 0570/0180/0990
 * services, which look like landlines. The subscriber part of a placeholder
 * (0000-0000, 1111-1111, 1234-5678: 090-1234-5678 and 03-1234-5678 are the
 * samples everyone writes) is rejected.
 */
static bool
jp_national_ok(const unsigned char *d, size_t n)
{
	if (n < 10 || d[0] != 0 || d[1] == 0)
		return false;
	if (look_alike(d + n - 8, 8))
		return false;
	if (n == 11)	/* 020 050 060 070 080 090, and 0800 within 080 */
		return d[2] == 0 && d[1] != 1 && d[1] != 3 && d[1] != 4;
	if (n != 10)
		return false;
	if (d[1] == 1 && d[2] == 2 && d[3] == 0)	/* 0120 free dial */
		return true;
	return d[2] != 0;
}

/*
 * Collects the digits of a phone number written with spaces, '-', '.' and
 * parentheses ("(03) 1234-5678", "+81 (0)90-1234-5678"). A "(0)" group after
 * the first digits is the trunk prefix shown for callers at home and is
 * dropped; *TRUNK says whether there was one.
 */
static bool
phone_digits(const char *s, size_t len, unsigned char *d, size_t max, size_t *n, bool *trunk)
{
	size_t k = 0;
	bool open = false, prev_sep = true;	/* no separator may come first */

	*trunk = false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (is_digit(c)) {
			if (k == max)
				return false;
			d[k++] = (unsigned char)(c - '0');
			prev_sep = false;
		} else if (c == '(' && !open && k > 0 && !*trunk && len - i >= 3 && s[i + 1] == '0' &&
		    s[i + 2] == ')') {
			*trunk = true;
			i += 2;
			prev_sep = false;
		} else if (c == '(' && !open) {
			open = true;
			prev_sep = true;
		} else if (c == ')' && open && !prev_sep) {
			open = false;
		} else if ((c == ' ' || c == '-' || c == '.') && !prev_sep) {
			prev_sep = true;
		} else {
			return false;
		}
	}
	*n = k;
	return !open && k > 0 && len > 0 && (is_digit((unsigned char)s[len - 1]) || s[len - 1] == ')');
}

bool
bk_valid_jp_phone(const char *s, size_t len)
{
	unsigned char d[16];
	size_t n;
	bool trunk;

	if (len > 0 && s[0] == '+') {
		/* +81 90-1234-5678: the country code replaces the trunk 0 */
		if (!phone_digits(s + 1, len - 1, d + 1, sizeof d - 1, &n, &trunk) || n < 3 ||
		    d[1] != 8 || d[2] != 1)
			return false;
		/* "+81 090-..." is a common mistake for "+81 90-..." */
		if (d[3] == 0)
			return jp_national_ok(d + 3, n - 2);
		d[2] = 0;
		return jp_national_ok(d + 2, n - 1);
	}
	if (len > 3 && s[0] == '8' && s[1] == '1' && (s[2] == '-' || s[2] == ' ')) {
		/* 81-90-1234-5678, written by those who drop the '+' */
		if (!phone_digits(s + 3, len - 3, d + 1, sizeof d - 1, &n, &trunk) || d[1] == 0)
			return false;
		d[0] = 0;
		return jp_national_ok(d, n + 1);
	}
	if (!phone_digits(s, len, d, sizeof d, &n, &trunk) || trunk)
		return false;
	return jp_national_ok(d, n);
}

/*
 * Japanese postal code (郵便番号): NNN-NNNN, optionally after the postal mark
 * 〒 (U+3012) and spaces. Japan Post's codes start with every first digit
 * (001-xxxx is Sapporo), but no area code is 000.
 */
bool
bk_valid_jp_postal(const char *s, size_t len)
{
	struct cur c = { (const unsigned char *)s, (const unsigned char *)s + len };
	unsigned char d[7];
	size_t n;

	if (eat(&c, "〒"))
		skip_spaces(&c);
	if (!digits((const char *)c.p, (size_t)(c.end - c.p), "-", SEP_AFTER(3), d, sizeof d, &n) ||
	    n != 7)
		return false;
	return value(d, 3) != 0;
}

bool
bk_valid_jp_date(const char *s, size_t len)
{
	struct cur c = { (const unsigned char *)s, (const unsigned char *)s + len };
	unsigned long y, m, d;

	for (size_t i = 0; i < sizeof eras / sizeof eras[0]; i++) {
		const struct era *era = &eras[i];
		bool letter;

		if (eat(&c, era->kanji))
			letter = false;
		else if (!at_end(&c) && to_upper(*c.p) == (unsigned char)era->letter)
			c.p++, letter = true;
		else
			continue;
		skip_spaces(&c);
		if (eat(&c, "元"))	/* 元年: the first year */
			y = 1;
		else if (!eat_number(&c, 1, 2, &y, NULL))
			return false;
		skip_spaces(&c);
		if (!parse_month_day(&c, true, &m, &d))
			return false;
		/* "S45年" alone is too little to be a date written with a letter */
		if (letter && m == 0)
			return false;
		return era_date_ok(era, y, m, d);
	}
	/*
	 * Western: 1970年3月1日, 1970年3月, 1970/3/1, 1970-03-01, 1970.3.1, from
	 * the Meiji restoration on, like the eras. A bare 1970年 is a year, not a
	 * date.
	 */
	if (!eat_number(&c, 4, 4, &y, NULL) || y < 1868 || y > 2099)
		return false;
	if (!parse_month_day(&c, true, &m, &d) || m == 0)
		return false;
	return d == 0 ? m <= 12 : real_day(y, m, d);
}

/* ---- International --------------------------------------------------------- */

/*
 * Top-level "domains" that are file extensions: image@2x.png, sprite@3x.webp
 * and bundle@1.2.3.js are asset names, not addresses. None of these is a
 * delegated TLD (IANA root zone database); .zip and .mov are, and stay valid.
 */
static const char *const file_tlds[] = {
	"avif", "bmp", "css", "gif", "heic", "htm", "html", "ico", "jpeg", "jpg", "js",
	"json", "php", "png", "svg", "tif", "tiff", "txt", "webp", "xml",
};

static bool
is_file_tld(const char *t, size_t n)
{
	for (size_t i = 0; i < sizeof file_tlds / sizeof file_tlds[0]; i++) {
		size_t k = strlen(file_tlds[i]);

		if (k == n) {
			size_t j = 0;

			while (j < n && (unsigned char)to_upper((unsigned char)t[j]) ==
			    to_upper((unsigned char)file_tlds[i][j]))
				j++;
			if (j == n)
				return true;
		}
	}
	return false;
}

/* RFC 5322 section 3.2.3 atext, the characters of a dot-atom besides '.'. */
static bool
is_atext(unsigned char c)
{
	return is_alpha(c) || is_digit(c) || (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

/*
 * The practical subset of RFC 5321/5322 addresses found in logs: a dot-atom
 * local part (no quoted strings, no comments) of at most 64 octets (RFC 5321
 * 4.5.3.1.1), '@', and a host name of at most 255 octets (4.5.3.1.2) made of
 * at least two LDH labels of 1-63 characters that neither start nor end with
 * a hyphen (RFC 1034 3.5, RFC 1123 2.1). The top-level label is letters (two
 * or more) or an IDNA A-label (xn--...), and not a file extension (see
 * file_tlds). Address literals ([192.0.2.1]) and non-ASCII (RFC 6531)
 * addresses are not accepted.
 */
bool
bk_valid_email(const char *s, size_t len)
{
	const char *at = len > 0 ? memchr(s, '@', len) : NULL;
	size_t local, i, label = 0, labels = 0, tld = 0, atlen = 1;

	/* In URLs (query strings of access logs) the '@' arrives encoded as %40. */
	if (at == NULL) {
		for (i = 0; i + 3 <= len && at == NULL; i++)
			if (s[i] == '%' && s[i + 1] == '4' && s[i + 2] == '0')
				at = s + i;
		if (at == NULL)
			return false;
		atlen = 3;
	}
	local = (size_t)(at - s);
	if (local < 1 || local > 64 || len - local - atlen < 3 || len - local - atlen > 255)
		return false;
	for (i = 0; i < local; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '.') {
			if (i == 0 || i == local - 1 || s[i - 1] == '.')
				return false;
		} else if (!is_atext(c)) {
			return false;
		}
	}
	for (i = local + atlen; i <= len; i++) {
		unsigned char c = i < len ? (unsigned char)s[i] : '.';

		if (c == '.') {
			if (label == 0 || label > 63 || s[i - 1] == '-')
				return false;
			labels++;
			tld = i - label;
			label = 0;
		} else if (is_alpha(c) || is_digit(c) || c == '-') {
			if (c == '-' && label == 0)
				return false;
			label++;
		} else {
			return false;
		}
	}
	if (labels < 2)
		return false;
	/* the last label: s[tld .. len) */
	if (len - tld >= 4 && (s[tld] == 'x' || s[tld] == 'X') && (s[tld + 1] == 'n' ||
	    s[tld + 1] == 'N') && s[tld + 2] == '-' && s[tld + 3] == '-')
		return len - tld > 4;
	if (len - tld < 2)
		return false;
	for (i = tld; i < len; i++)
		if (!is_alpha((unsigned char)s[i]))
			return false;
	return !is_file_tld(s + tld, len - tld);
}

/*
 * Issuer ranges and lengths of the card schemes (ISO/IEC 7812 IINs as the
 * schemes publish them; collected in Wikipedia's "Payment card number" IIN
 * table): Visa 4 (13, 16, 19 digits); Mastercard 51-55 and the 2-series
 * 2221-2720 (16); American Express 34, 37 (15); JCB 3528-3589 (16-19); Diners
 * Club International 300-305, 3095, 36, 38-39 (14-19); Discover 6011,
 * 622126-622925, 644-649, 65 (16-19); UnionPay 62 (16-19); Maestro 50, 56-69
 * (12-19); Mir 2200-2204 (16-19). Lengths are a bit mask.
 */
#define LEN(n) (1u << (n))
#define LENS(a, b) (((1u << ((b) + 1)) - 1) & ~((1u << (a)) - 1))

static const struct card_range {
	unsigned long lo, hi;
	unsigned char digits;	/* of lo and hi */
	unsigned lengths;
} card_ranges[] = {
	{ 4, 4, 1, LEN(13) | LEN(16) | LEN(19) },		/* Visa */
	{ 51, 55, 2, LEN(16) },					/* Mastercard */
	{ 2221, 2720, 4, LEN(16) },				/* Mastercard 2-series */
	{ 34, 34, 2, LEN(15) },					/* American Express */
	{ 37, 37, 2, LEN(15) },
	{ 3528, 3589, 4, LENS(16, 19) },			/* JCB */
	{ 300, 305, 3, LENS(14, 19) },				/* Diners Club */
	{ 3095, 3095, 4, LENS(14, 19) },
	{ 36, 36, 2, LENS(14, 19) },
	{ 38, 39, 2, LENS(14, 19) },
	{ 6011, 6011, 4, LENS(16, 19) },			/* Discover */
	{ 622126, 622925, 6, LENS(16, 19) },
	{ 644, 649, 3, LENS(16, 19) },
	{ 65, 65, 2, LENS(16, 19) },
	{ 62, 62, 2, LENS(16, 19) },				/* UnionPay */
	{ 50, 50, 2, LENS(12, 19) },				/* Maestro */
	{ 56, 69, 2, LENS(12, 19) },
	{ 2200, 2204, 4, LENS(16, 19) },			/* Mir */
};

/*
 * Eight bytes at once, as a little-endian word X: which are ASCII digits,
 * and which are C, each as the top bit of its byte. Exact for every byte:
 * no carry crosses from one byte into the next.
 */
static inline uint64_t
digit_bytes(uint64_t x)
{
	uint64_t t = x ^ UINT64_C(0x3030303030303030);	/* '0'..'9' to 0..9 */

	return ~(((t & UINT64_C(0x7f7f7f7f7f7f7f7f)) + UINT64_C(0x7676767676767676)) | t) &
	    UINT64_C(0x8080808080808080);
}

static inline uint64_t
byte_is(uint64_t x, unsigned char c)
{
	uint64_t z = x ^ (UINT64_C(0x0101010101010101) * c);

	return ~(((z & UINT64_C(0x7f7f7f7f7f7f7f7f)) + UINT64_C(0x7f7f7f7f7f7f7f7f)) | z) &
	    UINT64_C(0x8080808080808080);
}

/*
 * Test card numbers the schemes publish (4111 1111 1111 1111, 5555 5555 5555
 * 4444, ...) pass: they are real in format, and leaked test data is still
 * data a responder should see. Rule files silence them with allow lists.
 */
/*
 * The lengths card_ranges allow after each first two digits, their union:
 * the timestamps and order numbers that start like a card but have
 * another count of digits end here, before the ranges are looked at.
 * bk__card_prefixes_check proves it is that union (a unit test runs it).
 */
#define ROW(x) x, x, x, x, x, x, x, x, x, x
static const unsigned card_lengths_by_prefix[100] = {
	ROW(0), ROW(0),
	/* 20-29 */ 0, 0, LENS(16, 19), LEN(16), LEN(16), LEN(16), LEN(16), LEN(16), 0, 0,
	/* 30-39 */ LENS(14, 19), 0, 0, 0, LEN(15), LENS(16, 19), LENS(14, 19), LEN(15),
	LENS(14, 19), LENS(14, 19),
	ROW(LEN(13) | LEN(16) | LEN(19)),
	/* 50-59 */ LENS(12, 19), LEN(16), LEN(16), LEN(16), LEN(16), LEN(16),
	LENS(12, 19), LENS(12, 19), LENS(12, 19), LENS(12, 19),
	ROW(LENS(12, 19)),
	ROW(0), ROW(0), ROW(0),
};
#undef ROW

int
bk__card_prefixes_check(void)
{
	for (unsigned p = 0; p < 100; p++) {
		unsigned lengths = 0;

		for (size_t i = 0; i < sizeof card_ranges / sizeof card_ranges[0]; i++) {
			const struct card_range *r = &card_ranges[i];
			unsigned long scale = 1, lo, hi;

			for (unsigned d = 2; d < r->digits; d++)
				scale *= 10;
			lo = r->digits == 1 ? r->lo * 10 : r->lo / scale;
			hi = r->digits == 1 ? r->hi * 10 + 9 : r->hi / scale;
			if (p >= lo && p <= hi)
				lengths |= r->lengths;
		}
		if (lengths != card_lengths_by_prefix[p])
			return (int)p;
	}
	return -1;
}

#define CARD_SEPS (UINT64_C(1) << 4 | UINT64_C(1) << 8 | UINT64_C(1) << 10 | UINT64_C(1) << 12 | \
	UINT64_C(1) << 16)

/*
 * The rest of a card's checks, once its COUNT digits and first two fit an
 * issuer's lengths: the issuer range, the grouping, look-alikes and Luhn.
 * Apart, so the many look-alikes that end before it cost no stack frame.
 */
static bool __attribute__((noinline))
card_issued(const char *s, size_t len, size_t count)
{
	unsigned char d[19];
	unsigned long lead[7] = { 0 };	/* lead[K]: the first K digits as a number */
	const struct card_range *r = NULL;
	size_t n;

	for (size_t i = 0, k = 0; k < 6; i++)
		if (is_digit((unsigned char)s[i])) {
			lead[k + 1] = lead[k] * 10 + (unsigned)(s[i] - '0');
			k++;
		}
	for (size_t i = 0; i < sizeof card_ranges / sizeof card_ranges[0] && r == NULL; i++)
		if ((card_ranges[i].lengths & LEN(count)) != 0 &&
		    lead[card_ranges[i].digits] >= card_ranges[i].lo &&
		    lead[card_ranges[i].digits] <= card_ranges[i].hi)
			r = &card_ranges[i];
	if (r == NULL)
		return false;
	/* Groups of 4 (4-4-4-4-3) or Amex and Diners' 4-6-5 and 4-6-4. */
	if (!digits(s, len, " -", CARD_SEPS, d, sizeof d, &n))
		return false;
	return !look_alike(d, n - 1) && luhn(d, n);
}

bool
bk_valid_payment_card(const char *s, size_t len)
{
	size_t count = 0;
	unsigned lead2;

	/* Every issuer range starts with 2 to 6: most look-alikes end here, cheaply. */
	if (len < 12 || s[0] < '2' || s[0] > '6' || len > 19 + 6 || !is_digit((unsigned char)s[1]))
		return false;
	lead2 = (unsigned)(s[0] - '0') * 10 + (unsigned)(s[1] - '0');
	if (card_lengths_by_prefix[lead2] == 0)
		return false;
	/*
	 * The count of digits next, and the lengths the first two digits
	 * allow: the order numbers and timestamps that pass the first test
	 * end there, before the issuer ranges are looked at.
	 */
	for (size_t i = 0; i < len; i += 8) {
		char b[8] = { '0', '0', '0', '0', '0', '0', '0', '0' };
		size_t k = len - i < 8 ? len - i : 8;	/* the rest: '0's, taken off the count */
		uint64_t x, dig;

		if (k == 8) {
			memcpy(&x, s + i, sizeof x);
		} else {
			memcpy(b, s + i, k);
			memcpy(&x, b, sizeof x);
		}
		dig = digit_bytes(x);
		if ((dig | byte_is(x, ' ') | byte_is(x, '-')) != UINT64_C(0x8080808080808080))
			return false;
		count += (size_t)((dig >> 7) * UINT64_C(0x0101010101010101) >> 56) - (8 - k);
	}
	if (count < 12 || count > 19 || !(card_lengths_by_prefix[lead2] & LEN(count)))
		return false;
	return card_issued(s, len, count);
}

bool
bk_valid_luhn(const char *s, size_t len)
{
	unsigned char d[32];
	size_t n;

	if (!digits(s, len, " -", SEP_ANYWHERE, d, sizeof d, &n) || n < 2)
		return false;
	/* 0000000000 and 4444444444444448 pass Luhn, and nobody issues them */
	if (repeated(d, n) || (n > 2 && repeated(d, n - 1)))
		return false;
	return luhn(d, n);
}

/*
 * IBAN lengths by country, from the SWIFT IBAN Registry (ISO 13616
 * registration authority), release 98-100 (2024-2025): 89 countries. The
 * "experimental" national formats some sites list (most of West Africa) are
 * not ISO 13616 IBANs and are not accepted.
 */
static const struct {
	char cc[3];
	unsigned char len;
} iban_lengths[] = {
	{ "AD", 24 }, { "AE", 23 }, { "AL", 28 }, { "AT", 20 }, { "AZ", 28 }, { "BA", 20 },
	{ "BE", 16 }, { "BG", 22 }, { "BH", 22 }, { "BI", 27 }, { "BR", 29 }, { "BY", 28 },
	{ "CH", 21 }, { "CR", 22 }, { "CY", 28 }, { "CZ", 24 }, { "DE", 22 }, { "DJ", 27 },
	{ "DK", 18 }, { "DO", 28 }, { "EE", 20 }, { "EG", 29 }, { "ES", 24 }, { "FI", 18 },
	{ "FK", 18 }, { "FO", 18 }, { "FR", 27 }, { "GB", 22 }, { "GE", 22 }, { "GI", 23 },
	{ "GL", 18 }, { "GR", 27 }, { "GT", 28 }, { "HN", 28 }, { "HR", 21 }, { "HU", 28 },
	{ "IE", 22 }, { "IL", 23 }, { "IQ", 23 }, { "IS", 26 }, { "IT", 27 }, { "JO", 30 },
	{ "KW", 30 }, { "KZ", 20 }, { "LB", 28 }, { "LC", 32 }, { "LI", 21 }, { "LT", 20 },
	{ "LU", 20 }, { "LV", 21 }, { "LY", 25 }, { "MC", 27 }, { "MD", 24 }, { "ME", 22 },
	{ "MK", 19 }, { "MN", 20 }, { "MR", 27 }, { "MT", 31 }, { "MU", 30 }, { "NI", 28 },
	{ "NL", 18 }, { "NO", 15 }, { "OM", 23 }, { "PK", 24 }, { "PL", 28 }, { "PS", 29 },
	{ "PT", 25 }, { "QA", 29 }, { "RO", 24 }, { "RS", 22 }, { "RU", 33 }, { "SA", 24 },
	{ "SC", 31 }, { "SD", 18 }, { "SE", 24 }, { "SI", 19 }, { "SK", 24 }, { "SM", 27 },
	{ "SO", 23 }, { "ST", 25 }, { "SV", 28 }, { "TL", 23 }, { "TN", 24 }, { "TR", 26 },
	{ "UA", 29 }, { "VA", 22 }, { "VG", 24 }, { "XK", 20 }, { "YE", 30 },
};

static unsigned
iban_length(unsigned char a, unsigned char b)
{
	for (size_t i = 0; i < sizeof iban_lengths / sizeof iban_lengths[0]; i++)
		if (iban_lengths[i].cc[0] == a && iban_lengths[i].cc[1] == b)
			return iban_lengths[i].len;
	return 0;
}

/*
 * ISO 13616-1: country code, two check digits (02-98), the BBAN; printed in
 * groups of four separated by one space. Valid when the number made by moving
 * the first four characters to the end and replacing letters with 10-35 is 1
 * modulo 97 (ISO/IEC 7064 MOD 97-10), computed here one character at a time.
 */
bool
bk_valid_iban(const char *s, size_t len)
{
	unsigned char c[34];
	size_t n = 0;
	unsigned rem = 0;
	bool same = true;

	for (size_t i = 0; i < len; i++) {
		unsigned char ch = to_upper((unsigned char)s[i]);

		if (ch == ' ') {
			/* only between groups of four */
			if (n == 0 || n % 4 != 0 || i + 1 == len || s[i + 1] == ' ' || s[i - 1] == ' ')
				return false;
			continue;
		}
		if (n == sizeof c || !(is_upper(ch) || is_digit(ch)))
			return false;
		c[n++] = ch;
	}
	if (n < 5 || !is_upper(c[0]) || !is_upper(c[1]) || !is_digit(c[2]) || !is_digit(c[3]))
		return false;
	if (n != iban_length(c[0], c[1]))
		return false;
	if ((c[2] - '0') * 10 + (c[3] - '0') < 2 || (c[2] - '0') * 10 + (c[3] - '0') > 98)
		return false;
	for (size_t i = 5; i < n; i++)
		if (c[i] != c[4])
			same = false;
	if (same)	/* a BBAN of one repeated character is a placeholder */
		return false;
	for (size_t k = 0; k < n; k++) {
		unsigned char ch = c[(k + 4) % n];

		if (is_digit(ch))
			rem = (rem * 10 + (ch - '0')) % 97;
		else
			rem = (rem * 100 + (ch - 'A' + 10)) % 97;
	}
	return rem == 1;
}

/*
 * US Social Security number AAA-GG-SSSS. Source: SSA, "Social Security Number
 * Randomization" (2011): area numbers 000, 666 and 900-999 are never
 * assigned, nor group 00 or serial 0000. 078-05-1120 (the Woolworth wallet
 * card) and 219-09-9999 (an SSA pamphlet's sample) were published and voided
 * (SSA Program Operations Manual RM 10201.035 list of invalid numbers); a
 * number of nine equal digits or a 123-45-6789 run is a placeholder.
 */
bool
bk_valid_us_ssn(const char *s, size_t len)
{
	unsigned char d[9];
	size_t n;
	unsigned long area, group, serial;

	if (!digits(s, len, " -", SEP_AFTER(3) | SEP_AFTER(5), d, sizeof d, &n) || n != 9)
		return false;
	area = value(d, 3), group = value(d + 3, 2), serial = value(d + 5, 4);
	if (area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0)
		return false;
	if ((area == 78 && group == 5 && serial == 1120) ||
	    (area == 219 && group == 9 && serial == 9999))
		return false;
	return !look_alike(d, 9);
}

/*
 * UK National Insurance number: two prefix letters, six digits, a suffix
 * A-D (or none: old records and forms leave it off). Source: HMRC National
 * Insurance Manual NIM39110: D F I Q U V are used in neither prefix letter, O
 * not as the second, and BG GB KN NK NT TN ZZ are not allocated; the
 * administrative prefixes OO CR FY MW NC PP listed there are not NINOs.
 * Written QQ123456C or in pairs: QQ 12 34 56 C.
 */
bool
bk_valid_uk_nino(const char *s, size_t len)
{
	static const char *const bad[] = { "BG", "GB", "KN", "NK", "NT", "TN", "ZZ",
		"OO", "CR", "FY", "MW", "NC", "PP" };
	unsigned char c[9];
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == ' ') {
			/* between the pairs: after 2, 4, 6 and 8 characters */
			if (n == 0 || n % 2 != 0 || n > 8 || i + 1 == len || s[i + 1] == ' ')
				return false;
			continue;
		}
		if (n == sizeof c)
			return false;
		c[n++] = to_upper(ch);
	}
	if (n != 8 && n != 9)
		return false;
	if (!is_upper(c[0]) || !is_upper(c[1]) || strchr("DFIQUV", c[0]) != NULL ||
	    strchr("DFIQUVO", c[1]) != NULL)
		return false;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (c[0] == (unsigned char)bad[i][0] && c[1] == (unsigned char)bad[i][1])
			return false;
	for (size_t i = 2; i < 8; i++)
		if (!is_digit(c[i]))
			return false;
	return n == 8 || (c[8] >= 'A' && c[8] <= 'D');
}

/*
 * Country codes assigned in ITU-T E.164 (the List of ITU-T Recommendation
 * E.164 assigned country codes, annex to the ITU Operational Bulletin), as
 * ranges of 1-, 2- and 3-digit codes. Spare and withdrawn codes (210, 259,
 * 28x, 384, 388, 422, 671, 684, 693-699, 969, 978, 990, 991, 997, 999, ...)
 * are absent.
 */
static const struct cc_range {
	unsigned char digits;
	unsigned short lo, hi;
} cc_ranges[] = {
	{ 1, 1, 1 }, { 1, 7, 7 },
	{ 2, 20, 20 }, { 2, 27, 27 }, { 2, 30, 34 }, { 2, 36, 36 }, { 2, 39, 41 },
	{ 2, 43, 49 }, { 2, 51, 58 }, { 2, 60, 66 }, { 2, 81, 82 }, { 2, 84, 84 },
	{ 2, 86, 86 }, { 2, 90, 95 }, { 2, 98, 98 },
	{ 3, 211, 213 }, { 3, 216, 216 }, { 3, 218, 218 }, { 3, 220, 258 }, { 3, 260, 269 },
	{ 3, 290, 291 }, { 3, 297, 299 }, { 3, 350, 359 }, { 3, 370, 383 }, { 3, 385, 387 },
	{ 3, 389, 389 }, { 3, 420, 421 }, { 3, 423, 423 }, { 3, 500, 509 }, { 3, 590, 599 },
	{ 3, 670, 670 }, { 3, 672, 683 }, { 3, 685, 692 }, { 3, 800, 800 }, { 3, 808, 808 },
	{ 3, 850, 850 }, { 3, 852, 853 }, { 3, 855, 856 }, { 3, 870, 870 }, { 3, 878, 878 },
	{ 3, 880, 883 }, { 3, 886, 886 }, { 3, 888, 888 }, { 3, 960, 968 }, { 3, 970, 977 },
	{ 3, 979, 979 }, { 3, 992, 996 }, { 3, 998, 998 },
};

/* The length of the assigned country code D starts with, or 0. */
static size_t
country_code_length(const unsigned char *d, size_t n)
{
	for (size_t k = 1; k <= 3 && k < n; k++) {
		unsigned long v = value(d, k);

		for (size_t i = 0; i < sizeof cc_ranges / sizeof cc_ranges[0]; i++)
			if (cc_ranges[i].digits == k && v >= cc_ranges[i].lo && v <= cc_ranges[i].hi)
				return k;
	}
	return 0;
}

/*
 * E.164 international number: '+', an assigned country code, and the national
 * significant number, 8 to 15 digits in all (ITU-T E.164 section 6: at most
 * 15). Spaces, '-', '.', parentheses and a "(0)" trunk marker may stand
 * between the digits. Where the national plan is simple and known it is
 * checked too: NANP (+1) numbers are 11 digits with area code and exchange
 * starting 2-9 (ATIS NANP administration guidelines), Russian and Kazakh
 * (+7) numbers 11 digits, and Japanese (+81) ones as bk_valid_jp_phone.
 */
bool
bk_valid_e164(const char *s, size_t len)
{
	unsigned char d[16];
	size_t n, cc;
	bool trunk;

	if (len < 2 || s[0] != '+' ||
	    !phone_digits(s + 1, len - 1, d + 1, sizeof d - 1, &n, &trunk))
		return false;
	if (n < 8 || n > 15 || (cc = country_code_length(d + 1, n)) == 0)
		return false;
	if (repeated(d + 1 + cc, n - cc) || sequential(d + 1 + cc, n - cc))
		return false;
	if (d[1] == 1)
		return n == 11 && d[2] >= 2 && d[5] >= 2;
	if (d[1] == 7)
		return n == 11;
	if (d[1] == 8 && d[2] == 1) {
		d[2] = 0;
		return jp_national_ok(d + 2, n - 1);
	}
	return true;
}

/*
 * Dotted-decimal IPv4, RFC 3986's IPv4address (the strict form RFC 6943
 * 3.1.1 recommends over inet_aton's): four decimal parts 0-255 without
 * leading zeros, so 010.1.1.1 (octal to inet_aton) and 1.2.3 are rejected.
 */
bool
bk_valid_ipv4(const char *s, size_t len)
{
	size_t parts = 0, i = 0;

	while (parts < 4) {
		unsigned v = 0;
		size_t start = i;

		while (i < len && is_digit((unsigned char)s[i]) && i - start < 3)
			v = v * 10 + (unsigned)(s[i++] - '0');
		if (i == start || v > 255 || (i - start > 1 && s[start] == '0'))
			return false;
		if (i < len && is_digit((unsigned char)s[i]))
			return false;
		parts++;
		if (parts < 4) {
			if (i == len || s[i] != '.')
				return false;
			i++;
		}
	}
	return i == len;
}

/*
 * IPv6 text forms of RFC 4291 2.2, compressed (RFC 5952) or not, with an
 * embedded IPv4 tail: inet_pton decides, on a NUL-terminated copy. A zone
 * (RFC 6874: fe80::1%eth0) is accepted and not checked beyond its characters.
 * "::" alone, the unspecified address, has no digit and is no one's address.
 */
bool
bk_valid_ipv6(const char *s, size_t len)
{
	char buf[64];
	unsigned char addr[16];
	const char *pct = len > 0 ? memchr(s, '%', len) : NULL;
	size_t alen = pct != NULL ? (size_t)(pct - s) : len;
	bool hex = false;

	if (alen < 2 || alen >= sizeof buf || memchr(s, '\0', len) != NULL)
		return false;
	if (pct != NULL) {
		size_t zlen = len - alen - 1;

		if (zlen < 1 || zlen > 32)
			return false;
		for (size_t i = alen + 1; i < len; i++) {
			unsigned char c = (unsigned char)s[i];

			if (!is_alpha(c) && !is_digit(c) && c != '.' && c != '_' && c != '-')
				return false;
		}
	}
	for (size_t i = 0; i < alen; i++)
		if (s[i] != ':')
			hex = true;
	if (!hex)
		return false;
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	return inet_pton(AF_INET6, buf, addr) == 1;
}

/*
 * A Western calendar date, 1900-2099: YYYY-MM-DD (ISO 8601), YYYY/MM/DD,
 * YYYY.MM.DD, YYYYMMDD (ISO 8601 basic, common in exports), and day-month-year
 * or month-day-year with '/', '-' or '.' (DD/MM/YYYY, MM/DD/YYYY,
 * DD.MM.YYYY). Month and day may have one digit. Both separators must be the
 * same. Where day and month could be either way round (03/04/1970) the date
 * is valid if either reading is.
 */
bool
bk_valid_date(const char *s, size_t len)
{
	struct cur c = { (const unsigned char *)s, (const unsigned char *)s + len };
	unsigned long a, b, y;
	size_t na;
	unsigned char sep;

	if (!eat_number(&c, 1, 8, &a, &na))
		return false;
	if (na == 8 && at_end(&c)) {
		y = a / 10000;
		return y >= 1900 && y <= 2099 && real_day(y, a / 100 % 100, a % 100);
	}
	if ((na != 4 && na > 2) || (sep = eat_date_sep(&c)) == 0)
		return false;
	if (!eat_number(&c, 1, 2, &b, NULL) || eat_date_sep(&c) != sep)
		return false;
	if (na == 4) {
		unsigned long d;

		if (!eat_number(&c, 1, 2, &d, NULL) || !at_end(&c))
			return false;
		return a >= 1900 && a <= 2099 && real_day(a, b, d);
	}
	if (!eat_number(&c, 4, 4, &y, NULL) || !at_end(&c) || y < 1900 || y > 2099)
		return false;
	return real_day(y, b, a) || real_day(y, a, b);
}

/* ---- Credentials -------------------------------------------------------- */

/*
 * AWS access key ids and other IAM unique ids: a 4-letter prefix naming the
 * kind (AWS IAM User Guide, "IAM identifiers", unique ID prefixes: AKIA access
 * key, ASIA temporary key, AIDA user, AROA role, AIPA instance profile, ANPA
 * managed policy, ANVA policy version, AGPA group, APKA public key, ASCA
 * certificate, ABIA STS bearer token, ACCA context-specific credential), then
 * 16 characters of the RFC 4648 base32 alphabet (A-Z, 2-7). Ids ending in
 * EXAMPLE (AKIAIOSFODNN7EXAMPLE) are the documentation's samples, found in
 * every SDK and tutorial; a real id ends so once in 32^7.
 */
bool
bk_valid_aws_access_key(const char *s, size_t len)
{
	static const char prefixes[][5] = { "ABIA", "ACCA", "AGPA", "AIDA", "AIPA", "AKIA",
		"ANPA", "ANVA", "APKA", "AROA", "ASCA", "ASIA" };
	bool known = false;

	if (len != 20)
		return false;
	for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
		if (memcmp(s, prefixes[i], 4) == 0)
			known = true;
	if (!known)
		return false;
	for (size_t i = 4; i < 20; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!is_upper(c) && !(c >= '2' && c <= '7'))
			return false;
	}
	return memcmp(s + 13, "EXAMPLE", 7) != 0;
}

/* The two base-64 alphabets of crypt(3): bcrypt's and the one of md5crypt/sha-crypt. */
static const char bcrypt_b64[] =
    "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
static const char crypt_b64[] =
    "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/* The index of C in ALPHABET, or -1. */
static int
b64_index(const char *alphabet, unsigned char c)
{
	const char *p = c != '\0' ? strchr(alphabet, c) : NULL;

	return p != NULL ? (int)(p - alphabet) : -1;
}

/*
 * N characters of ALPHABET, the last one's value a multiple of LAST_MOD and
 * below LAST_LIM. An encoder that ends on a partial group leaves some bits of
 * the last character zero: the low bits in bcrypt's big-endian encoding, the
 * high bits in crypt's little-endian one. A hash typed or cut by hand
 * usually fails here.
 */
static bool
b64_run(const char *alphabet, const char *s, size_t n, int last_mod, int last_lim)
{
	for (size_t i = 0; i < n; i++) {
		int v = b64_index(alphabet, (unsigned char)s[i]);

		if (v < 0 || (i == n - 1 && (v % last_mod != 0 || v >= last_lim)))
			return false;
	}
	return true;
}

/*
 * bcrypt (Provos and Mazieres, "A Future-Adaptable Password Scheme", USENIX
 * 1999; OpenBSD bcrypt(3)): $2a$, $2b$, $2x$ or $2y$, a two-digit cost 04-31,
 * '$', 22 characters of salt (16 bytes: the last character carries 2 bits,
 * so it is one of . O e u) and 31 of hash (23 bytes: the last carries 4
 * bits).
 */
static bool
valid_bcrypt(const char *s, size_t len)
{
	unsigned cost;

	if (len != 60 || memcmp(s, "$2", 2) != 0 || strchr("abxy", s[2]) == NULL || s[3] != '$' ||
	    !is_digit((unsigned char)s[4]) || !is_digit((unsigned char)s[5]) || s[6] != '$')
		return false;
	cost = (unsigned)(s[4] - '0') * 10 + (unsigned)(s[5] - '0');
	if (cost < 4 || cost > 31)
		return false;
	return b64_run(bcrypt_b64, s + 7, 22, 16, 64) && b64_run(bcrypt_b64, s + 29, 31, 4, 64);
}

/*
 * md5crypt (Poul-Henning Kamp's FreeBSD crypt-md5.c; Apache's $apr1$ is the
 * same with another magic): $1$, a salt of 1-8 characters, '$', 22 characters
 * of hash whose last carries 2 bits (. / 0 1). sha256crypt and sha512crypt
 * (Ulrich Drepper, "Unix crypt using SHA-256 and SHA-512", 2007): $5$ or $6$,
 * an optional "rounds=N$", a salt of 1-16 characters, '$', 43 or 86
 * characters whose last carries 4 or 2 bits.
 */
static bool
valid_md5_sha_crypt(const char *s, size_t len)
{
	size_t i, start, salt_max, hash_len;
	int last_lim;
	bool sha;

	if (len > 6 && memcmp(s, "$apr1$", 6) == 0)
		i = 6, salt_max = 8, hash_len = 22, last_lim = 4, sha = false;
	else if (len > 3 && memcmp(s, "$1$", 3) == 0)
		i = 3, salt_max = 8, hash_len = 22, last_lim = 4, sha = false;
	else if (len > 3 && memcmp(s, "$5$", 3) == 0)
		i = 3, salt_max = 16, hash_len = 43, last_lim = 16, sha = true;
	else if (len > 3 && memcmp(s, "$6$", 3) == 0)
		i = 3, salt_max = 16, hash_len = 86, last_lim = 4, sha = true;
	else
		return false;
	if (sha && len - i > 7 && memcmp(s + i, "rounds=", 7) == 0) {
		start = i += 7;
		while (i < len && is_digit((unsigned char)s[i]) && i - start < 9)
			i++;
		if (i == start || s[start] == '0' || i == len || s[i] != '$')
			return false;
		i++;
	}
	start = i;
	while (i < len && s[i] != '$' && i - start < salt_max) {
		if (b64_index(crypt_b64, (unsigned char)s[i]) < 0)
			return false;
		i++;
	}
	if (i == start || i == len || s[i] != '$')
		return false;
	i++;
	return len - i == hash_len && b64_run(crypt_b64, s + i, hash_len, 1, last_lim);
}

bool
bk_valid_crypt_hash(const char *s, size_t len)
{
	return valid_bcrypt(s, len) || valid_md5_sha_crypt(s, len);
}

/* ---- Registry --------------------------------------------------------------- */

/* Sorted by name (strcmp order): bk_validator_find bisects, and a test checks the order. */
static const struct bk_validator validators[] = {
	{ "aws_access_key", bk_valid_aws_access_key,
	    "AWS access key id or IAM unique id: known 4-letter prefix + 16 base32 characters" },
	{ "corporate_number", bk_valid_corporate_number,
	    "Japanese Corporate Number (法人番号): 13 digits, leading check digit" },
	{ "crypt_hash", bk_valid_crypt_hash,
	    "password hash: bcrypt, md5crypt/apr1, sha256crypt, sha512crypt" },
	{ "date", bk_valid_date, "Western date 1900-2099: Y-M-D, D/M/Y, M/D/Y, D.M.Y, YYYYMMDD" },
	{ "e164", bk_valid_e164, "international phone number: + assigned country code, 8-15 digits" },
	{ "email", bk_valid_email, "email address: dot-atom local part, host name with a real TLD" },
	{ "iban", bk_valid_iban, "IBAN: registered country length and mod-97 check" },
	{ "ipv4", bk_valid_ipv4, "IPv4 address, dotted quad" },
	{ "ipv6", bk_valid_ipv6, "IPv6 address, any RFC 4291 text form" },
	{ "jp_date", bk_valid_jp_date,
	    "Japanese date: era (昭和45年3月1日, S45.3.1, 平成元年) within the era, or 1970年3月1日" },
	{ "jp_drivers_licence", bk_valid_jp_drivers_licence,
	    "Japanese driver's licence number: 12 digits, commission code, check digit" },
	{ "jp_insurer_number", bk_valid_jp_insurer_number,
	    "Japanese health insurer number (保険者番号): 8 or 6 digits, check digit" },
	{ "jp_passport", bk_valid_jp_passport, "Japanese passport number: M or T + letter + 7 digits" },
	{ "jp_pension", bk_valid_jp_pension,
	    "Japanese basic pension number (基礎年金番号): 4+6 digits, no samples" },
	{ "jp_phone", bk_valid_jp_phone,
	    "Japanese phone number: mobile, IP, free dial, landline; domestic or +81" },
	{ "jp_postal", bk_valid_jp_postal, "Japanese postal code: NNN-NNNN, optional 〒" },
	{ "jp_residence_card", bk_valid_jp_residence_card,
	    "Japanese residence card number: 2 letters + 8 digits + 2 letters" },
	{ "luhn", bk_valid_luhn, "any number with a Luhn check digit" },
	{ "my_number", bk_valid_my_number,
	    "Japanese Individual Number (マイナンバー): 12 digits, check digit" },
	{ "payment_card", bk_valid_payment_card,
	    "payment card number: issuer range and length, Luhn" },
	{ "uk_nino", bk_valid_uk_nino, "UK National Insurance number: allocated prefix, suffix A-D" },
	{ "us_ssn", bk_valid_us_ssn, "US Social Security number: assignable area, group, serial" },
};

const struct bk_validator *
bk_validator_find(const char *name)
{
	size_t lo = 0, hi = sizeof validators / sizeof validators[0];

	if (name == NULL)
		return NULL;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(name, validators[mid].name);

		if (c == 0)
			return &validators[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

const struct bk_validator *
bk_validators(size_t *n)
{
	if (n != NULL)
		*n = sizeof validators / sizeof validators[0];
	return validators;
}
