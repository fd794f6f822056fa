/*
 * charset.h - turn input lines into UTF-8 for the matching tools.
 *
 * Logs and exports from Japanese systems arrive in Shift_JIS (in practice
 * Microsoft's CP932) or EUC-JP as often as in UTF-8. A decoder converts one
 * line at a time through iconv; undecodable bytes become U+FFFD so a damaged
 * line is still searched. UTF-8 input is passed through without copying (the
 * record writer deals with invalid sequences). A UTF-8 byte-order mark at the
 * start of a UTF-8 input is dropped. BK_CHARSET_AUTO decides per input from a
 * sample of its first bytes (a byte-order mark there means UTF-8).
 */
#ifndef BK_CHARSET_H
#define BK_CHARSET_H

#include <stddef.h>

#include "base.h"

#ifdef __cplusplus
extern "C" {
#endif

enum bk_charset {
	BK_CHARSET_AUTO,
	BK_CHARSET_UTF8,
	BK_CHARSET_SJIS,	/* Shift_JIS as Windows writes it: CP932 */
	BK_CHARSET_EUCJP,	/* read as eucJP-ms where iconv has it: EUC-JP plus the
				   Microsoft extensions, mapped as CP932 maps them */
	/*
	 * Shift_JIS as JIS defines it (X 0201 + X 0208). It differs from CP932
	 * where both have a character: 0x5C is a yen sign here and a backslash
	 * there, 0x7E an overline and a tilde, 0x817C U+2212 and U+FF0D, 0x8160
	 * U+301C and U+FF5E; and it has none of CP932's NEC and IBM extensions
	 * (①, ㈱, 髙). Used only when named: "auto" takes CP932, what Windows
	 * writes.
	 */
	BK_CHARSET_SHIFT_JIS,
};

/*
 * Parses a user's charset name: "auto", "utf-8"/"utf8", "cp932"/
 * "windows-31j"/"ms932", "shift_jis"/"shift-jis"/"sjis" (strict JIS X 0208
 * Shift_JIS, not CP932), "euc-jp"/"eucjp" (case-insensitive). Returns BK_OK
 * or BK_ERROR for an unknown name.
 */
int bk_charset_parse(const char *name, enum bk_charset *cs);

/* "auto", "utf-8", "cp932", "euc-jp", "shift_jis". */
const char *bk_charset_name(enum bk_charset cs);

/*
 * Guesses the charset of a sample (the first bytes of an input; a multibyte
 * character cut at the end of the sample is allowed): UTF-8 when the sample is
 * empty, starts with a UTF-8 byte-order mark or is valid UTF-8 (pure ASCII
 * included), else whichever of CP932 and EUC-JP explains it better: fewer
 * undecodable bytes, then more common kana and kanji, then CP932. Linear in
 * LEN, allocates nothing. charset.c explains the ambiguous cases.
 */
enum bk_charset bk_charset_detect(const void *sample, size_t len);

typedef struct bk_decoder bk_decoder;

/*
 * A decoder for CS (BK_CHARSET_AUTO allowed), ready as if reset without a
 * sample. NULL on OOM, for an invalid CS, or if iconv lacks the charset.
 */
bk_decoder *bk_decoder_new(enum bk_charset cs);

/* Accepts NULL. */
void bk_decoder_free(bk_decoder *d);

/*
 * Starts a new input. SAMPLE (its first bytes, may be NULL) settles the
 * charset in auto mode; the next line is checked for a byte-order mark.
 */
void bk_decoder_reset(bk_decoder *d, const void *sample, size_t len);

/* The charset in use for the current input (never AUTO after a reset). */
enum bk_charset bk_decoder_charset(const bk_decoder *d);

/*
 * Converts one line (without terminator) to UTF-8. *OUT points either into
 * IN (UTF-8 input, and lines of pure ASCII in any charset) or into the
 * decoder's buffer, valid until the next call or bk_decoder_free().
 * Undecodable bytes become U+FFFD, one per byte, or one for an incomplete
 * character at the end of the line.
 * Returns BK_OK, or BK_NOMEM. The number of replaced bytes so far is counted
 * in bk_decoder_replaced().
 */
int bk_decoder_line(bk_decoder *d, const char *in, size_t len, const char **out, size_t *outlen);

/*
 * Maps OFF, an offset in the output of the last bk_decoder_line() call, back
 * to an offset in its input IN (LEN bytes, the same line): where the
 * character that produced the output byte at OFF starts. OFF equal to the
 * output length maps to LEN. Costs a conversion per character up to OFF, so
 * it is meant for findings, not for every byte.
 */
size_t bk_decoder_origin(bk_decoder *d, const char *in, size_t len, size_t off);

/* Bytes replaced by U+FFFD since the last reset. */
size_t bk_decoder_replaced(const bk_decoder *d);

#ifdef __cplusplus
}
#endif
#endif /* BK_CHARSET_H */
