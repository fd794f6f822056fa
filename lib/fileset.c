/*
 * fileset.c - turn the paths a user gives into the files to read, in the
 * order to read them; see fileset.h for the contract.
 *
 * Evidence folders are messy: rotated logs beside their live file, copies
 * reached through symlinks, directories the responder cannot read, a fifo
 * someone left behind. The set's job is to read each file once, in time
 * order, and to say what it could not read without stopping. So:
 *
 * - Directories are walked depth first with opendir/readdir. A directory's
 *   names are read completely and the handle closed before descending, so a
 *   deep tree never holds more than one descriptor, and memory per level is
 *   one directory's names. The names are sorted with bk_rotation_cmp, which
 *   is what makes "access.log.2.gz access.log.1 access.log" come out oldest
 *   first without the caller asking.
 * - Symlinks are followed (stat, not lstat): evidence copies often link into
 *   other trees. Every directory and file entered is recorded by device and
 *   inode in one hash set (a directory and a file never share an inode), so
 *   a file reached twice is listed once and a directory reached twice is
 *   walked once. A directory that is also on the current descent path is a
 *   loop: that is reported, the other revisits are not worth a word.
 * - Inside a tree only regular files are listed: a fifo or a device found
 *   while walking is not a log and reading it could block forever. Given by
 *   name it is taken as asked (`bk-cat <(zcat x)` hands us a fifo).
 * - Rotation names are parsed, never matched with regular expressions: the
 *   suffixes are few and fixed, and a hand parser has no allocation, no
 *   failure path and no overflow (numbers stay digit strings).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fileset.h"

struct item {
	char *path;
	size_t pos;		/* place in the list before finish reorders it */
	size_t group;		/* finish: pos of the first member of its rotated set */
	bool named;		/* a file given by name: finish may move it within its set */
};

struct idslot {
	dev_t dev;
	ino_t ino;
	bool used;
};

struct idset {
	struct idslot *slot;
	size_t cap;		/* a power of two, or 0 */
	size_t n;
};

struct globs {
	char **v;
	size_t n;
};

struct bk_fileset {
	struct item *items;
	size_t n, cap;
	struct globs include, exclude;
	struct idset seen;	/* files listed and directories walked */
	bk_fileset_error_fn on_error;
	void *ctx;
	size_t errors;
	bool recursive;
	bool rotated;
};

/* A directory on the way down from the path the caller gave. */
struct frame {
	dev_t dev;
	ino_t ino;
	const struct frame *up;
};

/* ---- rotation names ----------------------------------------------------- */

enum rotkind {
	/* The order within a set: a dated scheme names the older archives. */
	ROT_DATED,
	ROT_NUMBERED,
	ROT_LIVE,
};

struct rotname {
	const char *stem;	/* the set: the name without rotation and compression */
	size_t stemlen;
	enum rotkind kind;
	char date[14];		/* ROT_DATED: YYYYMMDDhhmmss, missing parts '0' */
	const char *num;	/* ROT_NUMBERED: the digits without leading zeros */
	size_t numlen;
};

static bool
is_digit(char c)
{
	/* isdigit() depends on the locale; file names must not. */
	return c >= '0' && c <= '9';
}

static bool
all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!is_digit(s[i]))
			return false;
	return true;
}

static int
two(const char *s)
{
	return (s[0] - '0') * 10 + (s[1] - '0');
}

/* Length of NAME without a compression suffix; a suffix alone is a name. */
static size_t
strip_compression(const char *name, size_t len)
{
	/* Streams only: a .zip is an archive of files, not a compressed log. */
	static const char *const suffixes[] = { ".gz", ".zst", ".xz", ".bz2", ".Z", ".lz4" };
	size_t i, n;

	for (i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
		n = strlen(suffixes[i]);
		if (len > n && memcmp(name + len - n, suffixes[i], n) == 0)
			return len - n;
	}
	return len;
}

/*
 * DIGITS (8, 10, 12 or 14 of them) as a date with optional hour, minute and
 * second. Checked for plausibility so that "-12345678" stays part of a name.
 */
static bool
set_date(struct rotname *r, const char *digits, size_t n)
{
	static const int max[] = { 0, 0, 12, 31, 23, 59, 60 };
	size_t i;
	int v;

	if ((n != 8 && n != 10 && n != 12 && n != 14) || !all_digits(digits, n))
		return false;
	for (i = 2; i * 2 < n; i++) {
		v = two(digits + i * 2);
		if (v > max[i] || (i <= 3 && v == 0))
			return false;
	}
	memset(r->date, '0', sizeof r->date);
	memcpy(r->date, digits, n);
	r->kind = ROT_DATED;
	return true;
}

/* ".YYYY-MM-DD" or "-YYYY-MM-DD" at the end of NAME[0..LEN). */
static bool
iso_date(struct rotname *r, const char *name, size_t len)
{
	const char *s;
	char d[8];

	if (len < 12)
		return false;
	s = name + len - 11;
	if ((s[0] != '.' && s[0] != '-') || s[5] != '-' || s[8] != '-')
		return false;
	memcpy(d, s + 1, 4);
	memcpy(d + 4, s + 6, 2);
	memcpy(d + 6, s + 9, 2);
	if (!set_date(r, d, 8))
		return false;
	r->stemlen = len - 11;
	return true;
}

/* logrotate's dateext: "-YYYYMMDD" with optional HH, HHMM or HHMMSS. */
static bool
dateext(struct rotname *r, const char *name, size_t len)
{
	const char *dash = NULL;
	size_t i;

	for (i = len; i > 0; i--) {
		if (name[i - 1] == '-') {
			dash = name + i - 1;
			break;
		}
	}
	if (dash == NULL || dash == name)
		return false;
	if (!set_date(r, dash + 1, (size_t)(name + len - dash - 1)))
		return false;
	r->stemlen = (size_t)(dash - name);
	return true;
}

/* logrotate's default: ".N". The number must end the name ("x.2015.log" is no rotation). */
static bool
numbered(struct rotname *r, const char *name, size_t len)
{
	size_t dot = len;

	while (dot > 0 && is_digit(name[dot - 1]))
		dot--;
	if (dot == len || dot < 2 || name[dot - 1] != '.')
		return false;
	r->kind = ROT_NUMBERED;
	r->stemlen = dot - 1;
	r->num = name + dot;
	r->numlen = len - dot;
	while (r->numlen > 0 && r->num[0] == '0') {
		r->num++;
		r->numlen--;
	}
	return true;
}

static void
parse_name(const char *name, struct rotname *r)
{
	size_t len = strip_compression(name, strlen(name));

	r->stem = name;
	r->stemlen = len;
	r->kind = ROT_LIVE;
	r->num = NULL;
	r->numlen = 0;
	if (!iso_date(r, name, len) && !dateext(r, name, len))
		numbered(r, name, len);
}

static int
sign(int v)
{
	return (v > 0) - (v < 0);
}

/* Unsigned digit strings without leading zeros: the longer is larger. */
static int
number_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	if (alen != blen)
		return alen < blen ? -1 : 1;
	return alen == 0 ? 0 : sign(memcmp(a, b, alen));
}

static int
bytes_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);

	if (c != 0)
		return sign(c);
	return (alen > blen) - (alen < blen);
}

/*
 * Natural order ("file2" before "file10"): runs of digits compare by value,
 * everything else by byte. Names equal by value ("a01", "a1") fall back to
 * bytes, so only identical strings compare equal and qsort gets a total
 * order. A digit run meets a non-digit by its first byte, which ranks all
 * numbers alike against that byte; that keeps the order transitive.
 */
static int
natural_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t i = 0, j = 0, si, sj;
	int c;

	while (i < alen && j < blen) {
		if (is_digit(a[i]) && is_digit(b[j])) {
			while (i < alen && a[i] == '0')
				i++;
			while (j < blen && b[j] == '0')
				j++;
			for (si = i; i < alen && is_digit(a[i]); i++)
				;
			for (sj = j; j < blen && is_digit(b[j]); j++)
				;
			c = number_cmp(a + si, i - si, b + sj, j - sj);
			if (c != 0)
				return c;
			continue;
		}
		if (a[i] != b[j])
			return (unsigned char)a[i] < (unsigned char)b[j] ? -1 : 1;
		i++;
		j++;
	}
	if (i < alen || j < blen)
		return i < alen ? 1 : -1;
	return bytes_cmp(a, alen, b, blen);
}

int
bk_rotation_cmp(const char *a, const char *b)
{
	struct rotname ra, rb;
	int c;

	parse_name(a, &ra);
	parse_name(b, &rb);
	c = natural_cmp(ra.stem, ra.stemlen, rb.stem, rb.stemlen);
	if (c != 0)
		return c;
	if (ra.kind != rb.kind)
		return ra.kind < rb.kind ? -1 : 1;
	if (ra.kind == ROT_DATED)
		c = sign(memcmp(ra.date, rb.date, sizeof ra.date));
	else if (ra.kind == ROT_NUMBERED)
		c = -number_cmp(ra.num, ra.numlen, rb.num, rb.numlen);	/* higher is older */
	if (c != 0)
		return c;
	/* One member twice ("x.1", "x.1.gz"): any fixed order will do. */
	return sign(strcmp(a, b));
}

/* ---- small helpers ------------------------------------------------------ */

static const char *
base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash != NULL ? slash + 1 : path;
}

static void
report(bk_fileset *fs, const char *path, const char *message)
{
	fs->errors++;
	if (fs->on_error != NULL)
		fs->on_error(fs->ctx, path, message);
}

static bool
wanted(const bk_fileset *fs, const char *name)
{
	bool in = fs->include.n == 0;
	size_t i;

	for (i = 0; !in && i < fs->include.n; i++)
		in = fnmatch(fs->include.v[i], name, 0) == 0;
	for (i = 0; in && i < fs->exclude.n; i++)
		in = fnmatch(fs->exclude.v[i], name, 0) != 0;
	return in;
}

static int
globs_add(struct globs *g, const char *glob)
{
	char **v;
	char *copy;

	copy = strdup(glob);
	if (copy == NULL)
		return BK_NOMEM;
	v = realloc(g->v, (g->n + 1) * sizeof *v);
	if (v == NULL) {
		free(copy);
		return BK_NOMEM;
	}
	v[g->n++] = copy;
	g->v = v;
	return BK_OK;
}

static void
globs_free(struct globs *g)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		free(g->v[i]);
	free(g->v);
}

static size_t
id_hash(dev_t dev, ino_t ino)
{
	uint64_t h = (uint64_t)ino * UINT64_C(0x9e3779b97f4a7c15);

	h ^= (uint64_t)dev * UINT64_C(0xc2b2ae3d27d4eb4f);
	return (size_t)(h ^ (h >> 31));
}

/* Records DEV/INO; *ADDED says whether it was new. BK_OK or BK_NOMEM. */
static int
idset_add(struct idset *s, dev_t dev, ino_t ino, bool *added)
{
	struct idslot *slot;
	size_t cap, i, k;

	if ((s->n + 1) * 2 > s->cap) {
		cap = s->cap != 0 ? s->cap * 2 : 64;
		slot = calloc(cap, sizeof *slot);
		if (slot == NULL)
			return BK_NOMEM;
		for (k = 0; k < s->cap; k++) {
			if (!s->slot[k].used)
				continue;
			i = id_hash(s->slot[k].dev, s->slot[k].ino) & (cap - 1);
			while (slot[i].used)
				i = (i + 1) & (cap - 1);
			slot[i] = s->slot[k];
		}
		free(s->slot);
		s->slot = slot;
		s->cap = cap;
	}
	i = id_hash(dev, ino) & (s->cap - 1);
	while (s->slot[i].used) {
		if (s->slot[i].dev == dev && s->slot[i].ino == ino) {
			*added = false;
			return BK_OK;
		}
		i = (i + 1) & (s->cap - 1);
	}
	s->slot[i].dev = dev;
	s->slot[i].ino = ino;
	s->slot[i].used = true;
	s->n++;
	*added = true;
	return BK_OK;
}

static int
push(bk_fileset *fs, const char *path, bool named)
{
	struct item *items;
	size_t cap;
	char *copy;

	copy = strdup(path);
	if (copy == NULL)
		return BK_NOMEM;
	if (fs->n == fs->cap) {
		cap = fs->cap != 0 ? fs->cap * 2 : 16;
		items = realloc(fs->items, cap * sizeof *items);
		if (items == NULL) {
			free(copy);
			return BK_NOMEM;
		}
		fs->items = items;
		fs->cap = cap;
	}
	fs->items[fs->n].path = copy;
	fs->items[fs->n].pos = fs->n;
	fs->items[fs->n].group = fs->n;
	fs->items[fs->n].named = named;
	fs->n++;
	return BK_OK;
}

/* "dir" + "name", without doubling a slash the caller wrote ("logs/"). */
static char *
join(const char *dir, const char *name)
{
	size_t dlen = strlen(dir), nlen = strlen(name);
	bool slash = dlen > 0 && dir[dlen - 1] != '/';
	char *p;

	p = malloc(dlen + slash + nlen + 1);
	if (p == NULL)
		return NULL;
	memcpy(p, dir, dlen);
	if (slash)
		p[dlen] = '/';
	memcpy(p + dlen + slash, name, nlen + 1);
	return p;
}

/* ---- walking ------------------------------------------------------------ */

static int enter(bk_fileset *fs, const char *path, const struct stat *st,
		 const struct frame *up);

static int
add_file(bk_fileset *fs, const char *path, const struct stat *st, bool named)
{
	bool added;
	int rc;

	/* Filter before recording: a name excluded here may be wanted under another. */
	if (!wanted(fs, base_name(path)))
		return BK_OK;
	rc = idset_add(&fs->seen, st->st_dev, st->st_ino, &added);
	if (rc != BK_OK || !added)
		return rc;
	return push(fs, path, named);
}

static int
cmp_names(const void *x, const void *y)
{
	return bk_rotation_cmp(*(char *const *)x, *(char *const *)y);
}

/* The names in DIR, sorted; BK_ERROR (reported) keeps what was read. */
static int
read_names(bk_fileset *fs, const char *dir, char ***namesp, size_t *np)
{
	char **names = NULL, **grown;
	size_t n = 0, cap = 0;
	struct dirent *de;
	int rc = BK_OK;
	DIR *d;

	d = opendir(dir);
	if (d == NULL) {
		report(fs, dir, strerror(errno));
		rc = BK_ERROR;
		goto out;
	}
	for (;;) {
		errno = 0;
		de = readdir(d);
		if (de == NULL) {
			if (errno != 0) {
				report(fs, dir, strerror(errno));
				rc = BK_ERROR;
			}
			break;
		}
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (n == cap) {
			cap = cap != 0 ? cap * 2 : 32;
			grown = realloc(names, cap * sizeof *names);
			if (grown == NULL) {
				rc = BK_NOMEM;
				goto out;
			}
			names = grown;
		}
		names[n] = strdup(de->d_name);
		if (names[n] == NULL) {
			rc = BK_NOMEM;
			goto out;
		}
		n++;
	}
	if (n > 1)
		qsort(names, n, sizeof *names, cmp_names);
out:
	if (d != NULL)
		closedir(d);
	*namesp = names;
	*np = n;
	return rc;
}

static int
visit(bk_fileset *fs, const char *dir, const char *name, const struct frame *here)
{
	struct stat st;
	char *path;
	int rc = BK_OK;

	path = join(dir, name);
	if (path == NULL)
		return BK_NOMEM;
	if (stat(path, &st) != 0) {
		/* A dangling link in evidence is worth knowing about. */
		report(fs, path, strerror(errno));
		rc = BK_ERROR;
		goto out;
	}
	if (S_ISDIR(st.st_mode))
		rc = enter(fs, path, &st, here);
	else if (S_ISREG(st.st_mode))
		rc = add_file(fs, path, &st, false);
out:
	free(path);
	return rc;
}

/* Walks directory PATH (stat ST) below the directories UP. */
static int
enter(bk_fileset *fs, const char *path, const struct stat *st, const struct frame *up)
{
	struct frame here = { st->st_dev, st->st_ino, up };
	const struct frame *f;
	char **names = NULL;
	size_t n = 0, i;
	bool added;
	int rc, r;

	for (f = up; f != NULL; f = f->up) {
		if (f->dev == st->st_dev && f->ino == st->st_ino) {
			report(fs, path, "symlink loop");
			return BK_ERROR;
		}
	}
	rc = idset_add(&fs->seen, st->st_dev, st->st_ino, &added);
	if (rc != BK_OK || !added)
		return rc;	/* walked already, through another name */

	rc = read_names(fs, path, &names, &n);
	if (rc == BK_NOMEM)
		goto out;
	for (i = 0; i < n; i++) {
		r = visit(fs, path, names[i], &here);
		if (r == BK_NOMEM) {
			rc = r;
			goto out;
		}
		if (r != BK_OK)
			rc = r;
	}
out:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

/* ---- the set ------------------------------------------------------------ */

bk_fileset *
bk_fileset_new(void)
{
	return calloc(1, sizeof(bk_fileset));
}

void
bk_fileset_free(bk_fileset *fs)
{
	size_t i;

	if (fs == NULL)
		return;
	for (i = 0; i < fs->n; i++)
		free(fs->items[i].path);
	free(fs->items);
	globs_free(&fs->include);
	globs_free(&fs->exclude);
	free(fs->seen.slot);
	free(fs);
}

void
bk_fileset_on_error(bk_fileset *fs, bk_fileset_error_fn fn, void *ctx)
{
	fs->on_error = fn;
	fs->ctx = ctx;
}

void
bk_fileset_set_recursive(bk_fileset *fs, bool on)
{
	fs->recursive = on;
}

void
bk_fileset_set_rotated(bk_fileset *fs, bool on)
{
	fs->rotated = on;
}

int
bk_fileset_include(bk_fileset *fs, const char *glob)
{
	return globs_add(&fs->include, glob);
}

int
bk_fileset_exclude(bk_fileset *fs, const char *glob)
{
	return globs_add(&fs->exclude, glob);
}

int
bk_fileset_add(bk_fileset *fs, const char *path)
{
	struct stat st;

	/* Standard input has no name to filter on, and reading it twice is the caller's wish. */
	if (strcmp(path, "-") == 0)
		return push(fs, path, false);
	if (stat(path, &st) != 0) {
		report(fs, path, strerror(errno));
		return BK_ERROR;
	}
	if (S_ISDIR(st.st_mode)) {
		if (!fs->recursive) {
			report(fs, path, "Is a directory");
			return BK_ERROR;
		}
		return enter(fs, path, &st, NULL);
	}
	/* Anything else given by name is read as asked: a fifo from <(...) is readable. */
	return add_file(fs, path, &st, true);
}

/*
 * Finish sorts twice in place, so it needs no memory of its own and cannot
 * fail: first to bring the members of each rotated set (same directory, same
 * stem) together and learn where each set first appeared, then into reading
 * order by (first appearance, rotation order). Files found in directories
 * and "-" are never part of a set: they keep their own place.
 */
static int
set_cmp(const struct item *a, const struct item *b)
{
	const char *an = base_name(a->path), *bn = base_name(b->path);
	struct rotname ra, rb;
	int c;

	c = bytes_cmp(a->path, (size_t)(an - a->path), b->path, (size_t)(bn - b->path));
	if (c != 0)
		return c;
	parse_name(an, &ra);
	parse_name(bn, &rb);
	return bytes_cmp(ra.stem, ra.stemlen, rb.stem, rb.stemlen);
}

static int
pos_cmp(const struct item *a, const struct item *b)
{
	return (a->pos > b->pos) - (a->pos < b->pos);
}

static int
cmp_by_set(const void *x, const void *y)
{
	const struct item *a = x, *b = y;
	int c;

	if (a->named != b->named)
		return a->named ? 1 : -1;
	if (a->named && (c = set_cmp(a, b)) != 0)
		return c;
	return pos_cmp(a, b);
}

static int
cmp_reading(const void *x, const void *y)
{
	const struct item *a = x, *b = y;
	int c;

	if (a->group != b->group)
		return a->group < b->group ? -1 : 1;
	c = bk_rotation_cmp(base_name(a->path), base_name(b->path));
	return c != 0 ? c : pos_cmp(a, b);
}

void
bk_fileset_finish(bk_fileset *fs)
{
	size_t i, first = 0;

	if (!fs->rotated || fs->n < 2)
		return;
	for (i = 0; i < fs->n; i++)
		fs->items[i].pos = fs->items[i].group = i;
	qsort(fs->items, fs->n, sizeof *fs->items, cmp_by_set);
	for (i = 0; i < fs->n; i++) {
		if (!fs->items[i].named)
			continue;
		/* Sorted by pos within a set, so a set's first member has its first pos. */
		if (i == 0 || !fs->items[i - 1].named ||
		    set_cmp(&fs->items[i - 1], &fs->items[i]) != 0)
			first = fs->items[i].pos;
		fs->items[i].group = first;
	}
	qsort(fs->items, fs->n, sizeof *fs->items, cmp_reading);
	for (i = 0; i < fs->n; i++)
		fs->items[i].pos = i;
}

size_t
bk_fileset_count(const bk_fileset *fs)
{
	return fs->n;
}

const char *
bk_fileset_path(const bk_fileset *fs, size_t i)
{
	return i < fs->n ? fs->items[i].path : NULL;
}

size_t
bk_fileset_errors(const bk_fileset *fs)
{
	return fs->errors;
}
