/* Conditional requests and single byte ranges: pure parsing of fields. */
#include <string.h>
#include <strings.h>
#include "http_cond.h"
#include "http_date.h"

static size_t skip_ows(const char *s, size_t n, size_t i)
{
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    return i;
}

static int same_opaque(const char *a, size_t alen, const char *etag)
{
    size_t elen = strlen(etag);

    if (elen >= 2 && etag[0] == 'W' && etag[1] == '/') {
        etag += 2;
        elen -= 2;
    }
    return alen == elen && !memcmp(a, etag, alen);
}

int http_etag_listed(const char *s, size_t n, const char *etag)
{
    size_t i = skip_ows(s, n, 0);

    if (i < n && s[i] == '*' && skip_ows(s, n, i + 1) == n)
        return 1;
    while (i < n) {
        size_t start;

        if (n - i >= 2 && s[i] == 'W' && s[i + 1] == '/')
            i += 2;
        if (i >= n || s[i] != '"')
            return 0; /* not an entity-tag: the list is invalid */
        start = i++;
        while (i < n && s[i] != '"')
            i++;
        if (i >= n)
            return 0;
        if (same_opaque(s + start, i + 1 - start, etag))
            return 1;
        i = skip_ows(s, n, i + 1);
        if (i < n && s[i] != ',')
            return 0;
        while (i < n && (s[i] == ',' || s[i] == ' ' || s[i] == '\t'))
            i++;
    }
    return 0;
}

int http_not_modified(const char *inm, size_t inm_len, const char *ims,
                      size_t ims_len, const char *etag, int64_t mtime)
{
    int64_t since;

    if (inm_len)
        return http_etag_listed(inm, inm_len, etag);
    if (ims_len && http_date_parse(ims, ims_len, &since) == 0)
        return mtime <= since;
    return 0;
}

/* 1*DIGIT at s[*i]; more than 18 digits is "too large" (*v = max). */
static int number(const char *s, size_t n, size_t *i, uint64_t *v)
{
    size_t start = *i;

    *v = 0;
    while (*i < n && s[*i] >= '0' && s[*i] <= '9') {
        if (*i - start < 18)
            *v = *v * 10 + (uint64_t)(s[*i] - '0');
        else
            *v = UINT64_MAX;
        (*i)++;
    }
    return *i > start;
}

enum http_range_result http_range(const char *s, size_t n, uint64_t size,
                                  uint64_t *first, uint64_t *last)
{
    size_t i = 0;
    uint64_t a = 0, b = 0;
    int has_a, has_b;

    if (n < 6 || strncasecmp(s, "bytes=", 6))
        return RANGE_NONE;
    i = skip_ows(s, n, 6);
    has_a = number(s, n, &i, &a);
    if (i >= n || s[i] != '-')
        return RANGE_NONE;
    i++;
    has_b = number(s, n, &i, &b);
    if (skip_ows(s, n, i) != n || (!has_a && !has_b))
        return RANGE_NONE; /* several ranges, or junk: serve it whole */
    if (!has_a) { /* suffix: the last b bytes */
        if (b == 0 || size == 0)
            return RANGE_UNSATISFIABLE;
        *first = b >= size ? 0 : size - b;
        *last = size - 1;
        return RANGE_OK;
    }
    if (has_b && b < a)
        return RANGE_NONE; /* invalid: ignored (RFC 9110 14.1.1) */
    if (a >= size)
        return RANGE_UNSATISFIABLE;
    *first = a;
    *last = !has_b || b >= size ? size - 1 : b;
    return RANGE_OK;
}

int http_if_range_ok(const char *s, size_t n, const char *etag,
                     int64_t mtime)
{
    int64_t t;

    if (n == 0)
        return 1;
    if (s[0] == '"') /* strong comparison: a weak tag never matches */
        return strlen(etag) == n && !memcmp(s, etag, n);
    return http_date_parse(s, n, &t) == 0 && t == mtime;
}
