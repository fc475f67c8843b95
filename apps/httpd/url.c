/*
 * Request target to site path.  Decoding comes before normalising, so
 * "%2e%2e" is a ".." like any other and cannot climb out of the site;
 * an encoded "/" ("%2f") separates segments like a plain one, since the
 * site is a tree of names that contain no "/".
 */
#include <string.h>
#include "url.h"

static int hex(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Appends a finished segment out[seg..*len) or undoes it: "." and ""
 * vanish, ".." removes the previous segment. */
static int end_segment(char *out, size_t *len, size_t seg)
{
    size_t n = *len - seg;

    if (n == 0 || (n == 1 && out[seg] == '.')) {
        *len = seg ? seg - 1 : 0; /* drop it and its "/" */
        return 0;
    }
    if (n == 2 && out[seg] == '.' && out[seg + 1] == '.') {
        if (seg == 0)
            return -1; /* above the root */
        *len = seg - 1;
        while (*len > 0 && out[*len - 1] != '/')
            (*len)--;
        *len = *len ? *len - 1 : 0;
        return 0;
    }
    return 0;
}

long url_to_path(const char *t, size_t n, char *out, size_t outsz, int *dir)
{
    size_t i = 1, len = 0, seg = 0;

    if (n == 0 || t[0] != '/' || outsz == 0)
        return -1;
    *dir = 1;
    while (i < n && t[i] != '?' && t[i] != '#') {
        int c = (unsigned char)t[i++];

        if (c == '%') {
            int hi = i + 1 < n ? hex(t[i]) : -1;
            int lo = hi >= 0 ? hex(t[i + 1]) : -1;

            if (lo < 0)
                return -1;
            c = hi * 16 + lo;
            i += 2;
        }
        if (c < 0x20 || c == 0x7f)
            return -1;
        if (c == '/') {
            if (end_segment(out, &len, seg))
                return -1;
            *dir = 1;
            if (len + 1 >= outsz)
                return -1;
            if (len)
                out[len++] = '/';
            seg = len;
            continue;
        }
        if (len + 1 >= outsz)
            return -1;
        out[len++] = (char)c;
        *dir = 0;
    }
    if (end_segment(out, &len, seg))
        return -1;
    if (len < seg || seg == len)
        *dir = 1; /* ended in "." or ".." or "/": a directory */
    out[len] = 0;
    return (long)len;
}
