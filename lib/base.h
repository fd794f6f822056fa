/*
 * base.h - status codes and version shared by every libbreachkit module.
 *
 * The library never prints. Functions return one of the small codes below and
 * keep the human-readable detail on the handle they were given (each module has
 * a bk_MODULE_error() accessor); the tools turn that into
 * "bk-NAME: PATH[:LINE]: message" and an exit status.
 */
#ifndef BK_BASE_H
#define BK_BASE_H

#ifdef __cplusplus
extern "C" {
#endif

enum {
	BK_OK = 0,	/* success */
	BK_EOF = 1,	/* the input is exhausted; not an error */
	BK_ERROR = -1,	/* failure; the handle's error string says why */
	BK_NOMEM = -2,	/* an allocation failed; the handle may be incomplete */
};

/* The package version, e.g. "0.1.0". */
const char *bk_version(void);

#ifdef __cplusplus
}
#endif
#endif /* BK_BASE_H */
