/*
 * A ustar archive reader, pure and hostile-safe: every header's checksum
 * is checked, sizes are checked against the bytes there are, and names
 * are returned as written (NUL-terminated here even when the archive's
 * field has no NUL); making them safe paths is site.c's job.
 */
#ifndef HTTPD_TAR_H
#define HTTPD_TAR_H

#include <stddef.h>
#include <stdint.h>

enum tar_type { TAR_FILE, TAR_DIR, TAR_OTHER };

struct tar_entry {
    char name[256];      /* prefix "/" name, at most 155 + 1 + 100 bytes */
    enum tar_type type;
    uint64_t size;       /* data bytes (0 for a directory) */
    int64_t mtime;
    size_t data;         /* offset of the data in the archive */
    size_t header;       /* offset of the header, for error lines */
};

struct tar_reader {
    const uint8_t *buf;
    size_t len, off;
    const char *error; /* why tar_next returned -1 */
};

void tar_open(struct tar_reader *r, const void *buf, size_t len);

/* The next entry: 1 and *e, 0 at the end of the archive, or -1 with
 * r->error set (at the header at r->off). */
int tar_next(struct tar_reader *r, struct tar_entry *e);

#endif
