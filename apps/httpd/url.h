/* Request targets to site paths, pure. */
#ifndef HTTPD_URL_H
#define HTTPD_URL_H

#include <stddef.h>

/* Decodes an origin-form target ("/a/b%20c?q") into out: the path
 * without its leading "/", query or fragment, percent-decoded, with "."
 * and empty segments dropped and ".." applied.  *dir is set when the
 * path ends in "/" (or is the root).  Returns the length, or -1 for a
 * target that is not a path, a bad or NUL escape, a control byte, a
 * ".." above the root, or one that does not fit in outsz. */
long url_to_path(const char *target, size_t n, char *out, size_t outsz,
                 int *dir);

#endif
