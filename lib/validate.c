/*
 * validate.c - validators for the personal-data rules; see validate.h.
 *
 * First cut: the registry and every declared validator exist so the rules
 * module can link against bk_validator_find; several validators are still
 * simple shape checks and are completed in the following commits.
 */
#include "config.h"

#include <string.h>

#include "validate.h"

#define MAXDIGITS 40

/* Collects the digits of S, skipping the separators SEPS; false on anything else or too many. */
static bool
collect_digits(const char *s, size_t len, const char *seps, char *out, size_t *n)
{
	size_t k = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= '0' && c <= '9') {
			if (k == MAXDIGITS)
				return false;
			out[k++] = (char)(c - '0');
		} else if (c == '\0' || strchr(seps, c) == NULL) {
			return false;
		}
	}
	*n = k;
	return true;
}

static bool
luhn_ok(const char *d, size_t n)
{
	unsigned sum = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned v = (unsigned)d[n - 1 - i];

		if (i % 2 == 1)
			v = v * 2 > 9 ? v * 2 - 9 : v * 2;
		sum += v;
	}
	return n > 0 && sum % 10 == 0;
}

bool
bk_valid_my_number(const char *s, size_t len)
{
	char d[MAXDIGITS];
	size_t n;
	unsigned sum = 0, r;

	if (!collect_digits(s, len, " -", d, &n) || n != 12)
		return false;
	for (unsigned k = 1; k <= 11; k++) {
		unsigned q = k <= 6 ? k + 1 : k - 5;

		sum += (unsigned)d[11 - k] * q;
	}
	r = sum % 11;
	return (unsigned)d[11] == (r <= 1 ? 0 : 11 - r);
}

bool
bk_valid_corporate_number(const char *s, size_t len)
{
	char d[MAXDIGITS];
	size_t n;
	unsigned sum = 0;

	if (!collect_digits(s, len, " -", d, &n) || n != 13)
		return false;
	for (unsigned k = 1; k <= 12; k++)
		sum += (unsigned)d[13 - k] * (k % 2 == 1 ? 1 : 2);
	return (unsigned)d[0] == 9 - sum % 9;
}

bool
bk_valid_jp_pension(const char *s, size_t len)
{
	char d[MAXDIGITS];
	size_t n;

	return collect_digits(s, len, " -", d, &n) && n == 10;
}

bool
bk_valid_jp_passport(const char *s, size_t len)
{
	(void)s;
	return len == 9;
}

bool
bk_valid_jp_drivers_licence(const char *s, size_t len)
{
	char d[MAXDIGITS];
	size_t n;

	return collect_digits(s, len, " -", d, &n) && n == 12;
}

bool
bk_valid_jp_residence_card(const char *s, size_t len)
{
	(void)s;
	return len == 12;
}

bool
bk_valid_jp_phone(const char *s, size_t len)
{
	char d[MAXDIGITS];
	size_t n;

	return collect_digits(s, len, " -+()", d, &n) && n >= 10 && n <= 12;
}

bool
bk_valid_jp_postal(const char *s, size_t len)
{
	(void)s;
	return len >= 7;
}

bool
bk_valid_jp_date(const char *s, size_t len)
{
	(void)s;
	return len > 0;
}

bool
bk_valid_email(const char *s, size_t len)
{
	return len >= 3 && memchr(s, '@', len) != NULL;
}

bool
bk_valid_luhn(const char *s, size_t len)
{
	char d[MAXDIGITS];
	size_t n;

	return collect_digits(s, len, " -", d, &n) && n >= 2 && luhn_ok(d, n);
}

bool
bk_valid_payment_card(const char *s, size_t len)
{
	char d[MAXDIGITS];
	size_t n;

	return collect_digits(s, len, " -", d, &n) && n >= 12 && n <= 19 && luhn_ok(d, n);
}

bool
bk_valid_iban(const char *s, size_t len)
{
	(void)s;
	return len >= 15;
}

bool
bk_valid_us_ssn(const char *s, size_t len)
{
	char d[MAXDIGITS];
	size_t n;

	return collect_digits(s, len, " -", d, &n) && n == 9;
}

bool
bk_valid_uk_nino(const char *s, size_t len)
{
	(void)s;
	return len >= 8;
}

bool
bk_valid_e164(const char *s, size_t len)
{
	return len >= 9 && s[0] == '+';
}

bool
bk_valid_ipv4(const char *s, size_t len)
{
	(void)s;
	return len >= 7;
}

bool
bk_valid_ipv6(const char *s, size_t len)
{
	return len >= 2 && memchr(s, ':', len) != NULL;
}

bool
bk_valid_date(const char *s, size_t len)
{
	(void)s;
	return len >= 8;
}

bool
bk_valid_aws_access_key(const char *s, size_t len)
{
	return len == 20 && s[0] == 'A';
}

bool
bk_valid_crypt_hash(const char *s, size_t len)
{
	return len > 3 && s[0] == '$';
}

/* Sorted by name: bk_validator_find bisects. */
static const struct bk_validator validators[] = {
	{ "aws_access_key", bk_valid_aws_access_key, "AWS access key id" },
	{ "corporate_number", bk_valid_corporate_number, "Japanese Corporate Number" },
	{ "crypt_hash", bk_valid_crypt_hash, "bcrypt or md5crypt hash" },
	{ "date", bk_valid_date, "Western calendar date" },
	{ "e164", bk_valid_e164, "E.164 phone number" },
	{ "email", bk_valid_email, "email address" },
	{ "iban", bk_valid_iban, "IBAN" },
	{ "ipv4", bk_valid_ipv4, "IPv4 address" },
	{ "ipv6", bk_valid_ipv6, "IPv6 address" },
	{ "jp_date", bk_valid_jp_date, "Japanese era or Western date" },
	{ "jp_drivers_licence", bk_valid_jp_drivers_licence, "Japanese driver's licence number" },
	{ "jp_passport", bk_valid_jp_passport, "Japanese passport number" },
	{ "jp_pension", bk_valid_jp_pension, "Japanese basic pension number" },
	{ "jp_phone", bk_valid_jp_phone, "Japanese phone number" },
	{ "jp_postal", bk_valid_jp_postal, "Japanese postal code" },
	{ "jp_residence_card", bk_valid_jp_residence_card, "Japanese residence card number" },
	{ "luhn", bk_valid_luhn, "Luhn check digit" },
	{ "my_number", bk_valid_my_number, "Japanese Individual Number (My Number)" },
	{ "payment_card", bk_valid_payment_card, "payment card number" },
	{ "uk_nino", bk_valid_uk_nino, "UK National Insurance number" },
	{ "us_ssn", bk_valid_us_ssn, "US Social Security number" },
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
