/* Conditional requests and byte ranges (RFC 9110 13 and 14), pure. */
#ifndef HTTPD_HTTP_COND_H
#define HTTPD_HTTP_COND_H

#include <stddef.h>
#include <stdint.h>

/* Whether an If-None-Match list s[0..n) matches etag (weak comparison:
 * a W/ prefix on either side is ignored; "*" matches anything). */
int http_etag_listed(const char *s, size_t n, const char *etag);

/* Whether a GET or HEAD should be answered 304: If-None-Match when
 * present (then If-Modified-Since is not looked at), else
 * If-Modified-Since at or after mtime.  A slice of length 0 is absent;
 * an unparsable date is ignored. */
int http_not_modified(const char *inm, size_t inm_len, const char *ims,
                      size_t ims_len, const char *etag, int64_t mtime);

enum http_range_result { RANGE_NONE, RANGE_OK, RANGE_UNSATISFIABLE };

/* A Range field s[0..n) against a representation of size bytes: one
 * "bytes=" range gives RANGE_OK and [*first, *last] (inclusive); a
 * range that starts past the end (or a zero suffix) is unsatisfiable;
 * anything else (absent, bad syntax, several ranges, another unit) is
 * RANGE_NONE: the whole representation is sent (RFC 9110 14.2 lets a
 * server ignore Range). */
enum http_range_result http_range(const char *s, size_t n, uint64_t size,
                                  uint64_t *first, uint64_t *last);

/* Whether If-Range s[0..n) lets the Range apply: absent, the same
 * strong ETag, or exactly the Last-Modified date. */
int http_if_range_ok(const char *s, size_t n, const char *etag,
                     int64_t mtime);

#endif
