/*
 * validate.h - checks that a candidate is what a rule says it is.
 *
 * A regular expression finds text of the right shape; a validator decides
 * whether it can be real: a check digit (My Number, Corporate Number,
 * driver's licence), a checksum (Luhn, IBAN mod 97), issued ranges (US SSN
 * areas, card issuer prefixes and lengths, UK NINO prefixes), a real date in
 * a real era (昭和45年3月1日 but not 昭和65年), a dialable number plan (Japanese
 * mobiles 070/080/090, IP phones 050, landlines). Validators are pure
 * functions of the matched text after normalisation (ASCII digits and
 * letters, '-' for every dash look-alike); they ignore separators (space,
 * '-', '.', '/') where the format allows them and reject look-alikes that
 * pass a checksum by accident (repeated and sequential digits).
 *
 * Sample numbers are look-alikes too: 1234-567890 (pension), 090-1234-5678,
 * 123-45-6789, TK1234567, 12345678901x as a My Number body are rejected,
 * since every manual and form prints them. Published test numbers that are
 * real in format (the card schemes' 4111 1111 1111 1111) stay valid: leaked
 * test data is still data, and rule files can allow-list them. Identifiers
 * people type (passport, residence card, NINO, IBAN) take letters in either
 * case. Validators never read past LEN, never allocate, and accept any
 * bytes (LEN 0, NULs, invalid UTF-8) without harm; lib/validate.c names the
 * source of each algorithm and range.
 */
#ifndef BK_VALIDATE_H
#define BK_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A validator: true when TEXT (LEN bytes, UTF-8, not NUL-terminated) can be real. */
typedef bool (*bk_validator_fn)(const char *text, size_t len);

struct bk_validator {
	const char *name;	/* as written in rule files: "my_number" */
	bk_validator_fn fn;
	const char *summary;	/* one line for --list-validators */
};

/* The built-in validator called NAME, or NULL. */
const struct bk_validator *bk_validator_find(const char *name);

/* All built-in validators, sorted by name; *N receives the count. */
const struct bk_validator *bk_validators(size_t *n);

/* Japan */
bool bk_valid_my_number(const char *s, size_t len);		/* 12 digits, check digit (mod 11 weights 2-7) */
bool bk_valid_corporate_number(const char *s, size_t len);	/* 13 digits, leading check digit (mod 9) */
bool bk_valid_jp_pension(const char *s, size_t len);		/* basic pension number: 4+6 digits */
bool bk_valid_jp_passport(const char *s, size_t len);		/* 2 letters + 7 digits, issued prefixes */
bool bk_valid_jp_drivers_licence(const char *s, size_t len);	/* 12 digits, 11th a check digit */
bool bk_valid_jp_insurer_number(const char *s, size_t len);	/* 保険者番号: 8 or 6 digits, check digit */
bool bk_valid_jp_residence_card(const char *s, size_t len);	/* 2 letters + 8 digits + 2 letters */
bool bk_valid_jp_phone(const char *s, size_t len);		/* domestic or +81 forms */
bool bk_valid_jp_postal(const char *s, size_t len);		/* NNN-NNNN, with 〒 or not */
bool bk_valid_jp_date(const char *s, size_t len);		/* era (昭和45年3月1日, S45.3.1, 平成元年) or 1970年3月1日 */

/* International */
bool bk_valid_email(const char *s, size_t len);
bool bk_valid_payment_card(const char *s, size_t len);	/* issuer range + length + Luhn */
bool bk_valid_luhn(const char *s, size_t len);
bool bk_valid_iban(const char *s, size_t len);		/* country length + mod 97 */
bool bk_valid_us_ssn(const char *s, size_t len);
bool bk_valid_uk_nino(const char *s, size_t len);
bool bk_valid_e164(const char *s, size_t len);
bool bk_valid_ipv4(const char *s, size_t len);
bool bk_valid_ipv6(const char *s, size_t len);
bool bk_valid_date(const char *s, size_t len);		/* Western Y-M-D, D/M/Y, M/D/Y: a real date 1900..2099 */

/* Credentials */
bool bk_valid_aws_access_key(const char *s, size_t len);
bool bk_valid_crypt_hash(const char *s, size_t len);	/* bcrypt ($2a/b/x/y$, cost 04-31), md5crypt ($1$,
							   $apr1$), sha256crypt ($5$), sha512crypt ($6$) */

#ifdef __cplusplus
}
#endif
#endif /* BK_VALIDATE_H */
