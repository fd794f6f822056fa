/*
 * validate-private.h - what the unit tests see of the validators beyond
 * validate.h; not installed.
 *
 * Some validators keep a table derived by hand from another (the payment
 * card lengths by the first two digits, from the issuer ranges), for speed:
 * the check below proves the one is the other, so an edit of the ranges that
 * forgets the table fails the tests instead of losing cards.
 */
#ifndef BK_VALIDATE_PRIVATE_H
#define BK_VALIDATE_PRIVATE_H

/* -1 when the card lengths by prefix are the union of the issuer ranges', else the first prefix that is not. */
int bk__card_prefixes_check(void);

#endif /* BK_VALIDATE_PRIVATE_H */
