/*
 * atomic.c - replace a file atomically; see atomic-private.h.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic-private.h"
#include "base.h"

/* Makes the rename durable. Filesystems that cannot sync a directory say EINVAL. */
static int
sync_dir(const char *path, char *err, size_t size)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int fd, rc = BK_OK;

	if (slash == NULL)
		dir = strdup(".");
	else if (slash == path)
		dir = strdup("/");
	else
		dir = strndup(path, (size_t)(slash - path));
	if (dir == NULL)
		return BK_NOMEM;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || (fsync(fd) != 0 && errno != EINVAL && errno != ENOTSUP)) {
		snprintf(err, size, "%s: syncing the directory: %s", path, strerror(errno));
		rc = BK_ERROR;
	}
	if (fd >= 0)
		close(fd);
	free(dir);
	return rc;
}

int
bk__atomic_write(const char *path, void (*write)(void *ctx, FILE *fp), void *ctx, char *err,
    size_t size)
{
	char *tmp;
	FILE *fp = NULL;
	int fd = -1, rc = BK_ERROR;
	bool made = false;

	if ((tmp = malloc(strlen(path) + sizeof ".tmp.XXXXXX")) == NULL)
		return BK_NOMEM;
	strcpy(tmp, path);
	strcat(tmp, ".tmp.XXXXXX");
	if ((fd = mkstemp(tmp)) < 0) {
		snprintf(err, size, "%s: cannot create a temporary file: %s", path, strerror(errno));
		goto out;
	}
	made = true;
	/* mkstemp's 0600 is glibc's choice, not POSIX's promise. */
	if (fchmod(fd, S_IRUSR | S_IWUSR) != 0 || (fp = fdopen(fd, "w")) == NULL) {
		snprintf(err, size, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	fd = -1;
	write(ctx, fp);
	if (fflush(fp) != 0 || ferror(fp) || fsync(fileno(fp)) != 0) {
		snprintf(err, size, "%s: writing: %s", tmp, strerror(errno));
		goto out;
	}
	if (fclose(fp) != 0) {
		fp = NULL;
		snprintf(err, size, "%s: writing: %s", tmp, strerror(errno));
		goto out;
	}
	fp = NULL;
	if (rename(tmp, path) != 0) {
		snprintf(err, size, "%s: %s", path, strerror(errno));
		goto out;
	}
	made = false;
	rc = sync_dir(path, err, size);
out:
	if (fp != NULL)
		fclose(fp);
	if (fd >= 0)
		close(fd);
	if (made)
		unlink(tmp);
	free(tmp);
	return rc;
}
