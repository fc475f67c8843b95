/*
 * The static site: an index over a ustar archive in memory.  Files are
 * served from the archive's bytes (no copy); the index holds each
 * path once, sorted, for a binary search.
 */
#ifndef HTTPD_SITE_H
#define HTTPD_SITE_H

#include <stddef.h>
#include <stdint.h>

struct site_file {
    char *path;          /* "dir/name", no leading or trailing slash */
    const uint8_t *data; /* into the archive */
    uint64_t size;
    int64_t mtime;
    int is_dir;
};

struct site {
    struct site_file *files;
    size_t count;   /* entries, directories included */
    size_t nfiles;  /* regular files */
    size_t skipped; /* links, devices: not served */
};

/* Indexes the archive buf[0..len), which must outlive the site.
 * Returns 0, or -1 with a one-line reason in err (the archive is
 * refused whole: a hostile or broken archive serves nothing). */
int site_build(struct site *s, const void *buf, size_t len, char *err,
               size_t errlen);
void site_free(struct site *s);

/* The entry at path (as site_build stores it), or NULL. */
const struct site_file *site_find(const struct site *s, const char *path,
                                  size_t len);

/* Whether path names a directory: an entry of its own, or the parent of
 * some entry (archives need not list directories). */
int site_is_dir(const struct site *s, const char *path, size_t len);

/* The Content-Type for a path, from its extension. */
const char *site_content_type(const char *path, size_t len);

/* Makes an archive name a site path in place: strips "./" and "/"
 * prefixes and a trailing "/", drops "." and empty components.
 * Returns its new length, or -1 for a name with ".." components or
 * control bytes, which could not have come from a site's own files. */
long site_clean_name(char *name);

#endif
