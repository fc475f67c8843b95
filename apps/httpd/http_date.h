/* HTTP dates (RFC 9110 5.6.7) and the access log's date, pure. */
#ifndef HTTPD_HTTP_DATE_H
#define HTTPD_HTTP_DATE_H

#include <stddef.h>
#include <stdint.h>

#define HTTP_DATE_LEN 29 /* "Sun, 06 Nov 1994 08:49:37 GMT" */
#define HTTP_DATE_BUF 30

/* Writes the IMF-fixdate of t (seconds since 1970, UTC) and a NUL:
 * out holds HTTP_DATE_LEN + 1 bytes. */
void http_date_format(int64_t t, char *out);

/* The common log format's "06/Nov/1994:08:49:37 +0000" and a NUL into
 * 27 bytes. */
void http_date_clf(int64_t t, char *out);

/* Parses an HTTP-date in any of its three forms (IMF-fixdate, RFC 850,
 * asctime) from s[0..n).  Returns 0 and *t, or -1 (invalid dates are
 * ignored by the caller, as RFC 9110 13.1.3 says). */
int http_date_parse(const char *s, size_t n, int64_t *t);

#endif
