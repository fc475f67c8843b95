/*
 * HTTP/1.x request head parser and chunked body decoder (RFC 9112).
 * Pure: no I/O, no allocation.  Only the head's own bytes are looked
 * at: what follows it (a body, the next pipelined request) is not this
 * request's business.  The head parser is called again on the
 * whole buffer each time bytes arrive: the buffer is at most
 * HTTP_MAX_HEAD bytes, so the rescan is bounded, and a parser with no
 * state between calls cannot be confused by how the bytes were split.
 */
#include <string.h>
#include "http_parse.h"

#define MAX_METHOD 32

static int is_tchar(unsigned char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
        (c >= '0' && c <= '9'))
        return 1;
    return c && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* Field values: visible ASCII, space, tab and obs-text; no controls. */
static int is_field_char(unsigned char c)
{
    return c == '\t' || (c >= 0x20 && c != 0x7f);
}

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int ieq(const char *a, size_t alen, const char *word)
{
    size_t n = strlen(word);

    if (alen != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (lower((unsigned char)a[i]) != lower((unsigned char)word[i]))
            return 0;
    return 1;
}

int http_slice_is(const char *buf, struct http_slice s, const char *word)
{
    return ieq(buf + s.off, s.len, word);
}

static struct http_slice slice(size_t off, size_t len)
{
    struct http_slice s = {(uint16_t)off, (uint16_t)len};

    return s;
}

/* GET and HEAD are served; other methods RFC 9110 defines are known
 * but not allowed here (405); anything else is not implemented (501). */
static long classify_method(const char *m, size_t n, struct http_request *r)
{
    static const char *const known[] = {"POST", "PUT", "DELETE", "OPTIONS",
                                        "PATCH", "TRACE", "CONNECT"};

    if (n == 3 && !memcmp(m, "GET", 3)) {
        r->method = HTTP_GET;
        return 0;
    }
    if (n == 4 && !memcmp(m, "HEAD", 4)) {
        r->method = HTTP_HEAD;
        return 0;
    }
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (n == strlen(known[i]) && !memcmp(m, known[i], n))
            return -405;
    return -501;
}

/* "HTTP/" DIGIT "." DIGIT, checked on as many bytes as have arrived so
 * that junk is refused at once.  Returns 1 when whole, 0 to wait, -400. */
static long check_version(const char *v, size_t have)
{
    static const char pat[] = "HTTP/9.9";

    for (size_t i = 0; i < have && i < 8; i++) {
        if (pat[i] == '9' ? (v[i] < '0' || v[i] > '9') : v[i] != pat[i])
            return -400;
    }
    return have >= 8;
}

/* The request line from buf[start..len).  Returns the offset after its
 * line end, 0 to wait for more, or -status. */
static long request_line(const char *b, size_t len, size_t start,
                         struct http_request *r)
{
    size_t p = start, t, v, e;
    long ok, st;

    while (p < len && is_tchar((unsigned char)b[p]) && p - start <= MAX_METHOD)
        p++;
    if (p - start > MAX_METHOD)
        return -501;
    if (p == len)
        return 0;
    if (b[p] != ' ' || p == start)
        return -400;
    for (t = p + 1; t < len && b[t] > 0x20 && b[t] < 0x7f; t++)
        if (t - start >= HTTP_MAX_LINE)
            return -414;
    if (t == len)
        return t - start >= HTTP_MAX_LINE ? -414 : 0;
    if (b[t] != ' ' || t == p + 1)
        return -400;
    v = t + 1;
    ok = check_version(b + v, len - v);
    if (ok <= 0)
        return ok;
    e = v + 8;
    if (e < len && b[e] == '\r')
        e++;
    if (e == len)
        return 0;
    if (b[e] != '\n')
        return -400;
    r->line = slice(start, v + 8 - start);
    if (v + 8 - start > HTTP_MAX_LINE)
        return -414;
    r->target = slice(p + 1, t - p - 1);
    if (b[v + 5] != '1')
        return -505;
    r->minor = b[v + 7] - '0';
    st = classify_method(b + start, p - start, r);
    return st < 0 ? st : (long)(e + 1);
}

/* Content-Length: 1*DIGIT; a repeat must agree (RFC 9112 6.3). */
static long content_length(const char *v, size_t n, struct http_request *r,
                           int *seen)
{
    uint64_t x = 0;

    if (n == 0 || n > 19)
        return n > 19 && strspn(v, "0123456789") >= n ? -413 : -400;
    for (size_t i = 0; i < n; i++) {
        if (v[i] < '0' || v[i] > '9')
            return -400;
        x = x * 10 + (uint64_t)(v[i] - '0');
    }
    if (*seen && x != r->content_length)
        return -400;
    if (x > HTTP_MAX_BODY)
        return -413;
    *seen = 1;
    r->content_length = (uint32_t)x;
    return 0;
}

/* Connection: a comma-separated list of options. */
static void connection_options(const char *v, size_t n, int *close,
                               int *keep)
{
    size_t i = 0;

    while (i < n) {
        size_t s, e;

        while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
            i++;
        s = i;
        while (i < n && v[i] != ',')
            i++;
        e = i;
        while (e > s && (v[e - 1] == ' ' || v[e - 1] == '\t'))
            e--;
        if (ieq(v + s, e - s, "close"))
            *close = 1;
        else if (ieq(v + s, e - s, "keep-alive"))
            *keep = 1;
    }
}

struct fields {
    int close, keep, has_length, has_te, seen_host, count;
};

static long field(const char *b, size_t name, size_t name_len, size_t val,
                  size_t val_len, struct http_request *r, struct fields *f)
{
    const char *n = b + name;
    struct http_slice s = slice(val, val_len);

    if (ieq(n, name_len, "host")) {
        if (f->seen_host)
            return -400; /* two Hosts: RFC 9112 3.2 says 400 */
        f->seen_host = 1;
        r->host = s;
        return 0;
    }
    if (ieq(n, name_len, "connection"))
        connection_options(b + val, val_len, &f->close, &f->keep);
    else if (ieq(n, name_len, "content-length"))
        return content_length(b + val, val_len, r, &f->has_length);
    else if (ieq(n, name_len, "transfer-encoding")) {
        /* Only "chunked" alone: any other coding is not implemented. */
        if (f->has_te || !ieq(b + val, val_len, "chunked"))
            return f->has_te ? -400 : -501;
        f->has_te = 1;
    } else if (ieq(n, name_len, "if-none-match"))
        r->if_none_match = s;
    else if (ieq(n, name_len, "if-modified-since"))
        r->if_modified_since = s;
    else if (ieq(n, name_len, "range"))
        r->range = s;
    else if (ieq(n, name_len, "if-range"))
        r->if_range = s;
    return 0;
}

/* One field line b[p..eol) (CR stripped).  Returns 0 or -status. */
static long field_line(const char *b, size_t p, size_t eol,
                       struct http_request *r, struct fields *f)
{
    size_t n = p, v, ve;

    if (++f->count > HTTP_MAX_FIELDS)
        return -431;
    while (n < eol && is_tchar((unsigned char)b[n]))
        n++;
    /* No name, or space before the colon, or obs-fold: 400 (RFC 9112 5). */
    if (n == p || n == eol || b[n] != ':')
        return -400;
    v = n + 1;
    while (v < eol && (b[v] == ' ' || b[v] == '\t'))
        v++;
    ve = eol;
    while (ve > v && (b[ve - 1] == ' ' || b[ve - 1] == '\t'))
        ve--;
    for (size_t i = v; i < ve; i++)
        if (!is_field_char((unsigned char)b[i]))
            return -400;
    return field(b, p, n - p, v, ve - v, r, f);
}

static long finish(struct http_request *r, struct fields *f, size_t end)
{
    if (f->has_te && f->has_length)
        return -400; /* both: a smuggling attempt (RFC 9112 6.1) */
    if (f->has_te && r->minor == 0)
        return -400;
    if (r->minor >= 1 && !f->seen_host)
        return -400;
    r->chunked = f->has_te;
    r->keep_alive = r->minor >= 1 ? !f->close : f->keep && !f->close;
    r->head_len = end;
    return (long)end;
}

long http_parse_head(const char *buf, size_t len, size_t max_head,
                     struct http_request *r)
{
    struct fields f = {0};
    size_t p = 0;
    long st;

    memset(r, 0, sizeof *r);
    if (max_head > HTTP_MAX_HEAD)
        max_head = HTTP_MAX_HEAD;
    if (len > max_head)
        len = max_head;
    /* Empty lines before a request are ignored (RFC 9112 2.2). */
    while (p < len && (buf[p] == '\r' || buf[p] == '\n'))
        p++;
    st = request_line(buf, len, p, r);
    if (st <= 0)
        return st == 0 && len >= max_head ? -431 : st;
    for (p = (size_t)st;;) {
        const char *nl = memchr(buf + p, '\n', len - p);
        size_t eol;

        if (!nl) /* a NUL is refused now, not when the line ends */
            return memchr(buf + p, 0, len - p) ? -400
                   : len >= max_head ? -431 : 0;
        eol = (size_t)(nl - buf);
        if (eol > p && buf[eol - 1] == '\r')
            eol--;
        if (eol == p)
            return finish(r, &f, (size_t)(nl - buf) + 1);
        if (memchr(buf + p, '\r', eol - p))
            return -400; /* a bare CR inside a line */
        st = field_line(buf, p, eol, r, &f);
        if (st < 0)
            return st;
        p = (size_t)(nl - buf) + 1;
    }
}

/* ---- chunked bodies ------------------------------------------------------ */
enum {
    CH_SIZE, CH_SIZE_MORE, CH_EXT, CH_SIZE_LF, CH_DATA, CH_DATA_CR,
    CH_DATA_LF, CH_TRAILER_START, CH_TRAILER, CH_TRAILER_LF, CH_END_LF
};

#define CH_MAX_LINE 256     /* a size line with its extensions */
#define CH_MAX_TRAILER 4096 /* all trailer fields together */

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = lower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The end of a size line: data follows, or the trailer for size 0. */
static int size_done(struct http_chunked *c, uint64_t max_total)
{
    if (c->remaining > max_total - c->total)
        return -413;
    c->total += c->remaining;
    c->state = c->remaining ? CH_DATA : CH_TRAILER_START;
    return 0;
}

/* One byte in any state but CH_DATA: 0 to go on, 1 at the end, -400/-413. */
static int chunk_byte(struct http_chunked *c, int ch, uint64_t max_total)
{
    int h = hexval(ch);

    switch (c->state) {
    case CH_SIZE:
    case CH_SIZE_MORE:
        if (h >= 0) {
            if (++c->line > 15)
                return -413; /* 16 hex digits would overflow the total */
            c->remaining = c->remaining * 16 + (uint64_t)h;
            c->state = CH_SIZE_MORE;
            return 0;
        }
        if (c->state == CH_SIZE)
            return -400;
        if (ch == ';' || ch == ' ' || ch == '\t') {
            c->state = CH_EXT;
            return 0;
        }
        __attribute__((fallthrough)); /* CR or LF end the size line */
    case CH_EXT:
        if (ch == '\r') {
            c->state = CH_SIZE_LF;
            return 0;
        }
        if (ch == '\n')
            return size_done(c, max_total);
        if (!is_field_char((unsigned char)ch) || ++c->line > CH_MAX_LINE)
            return -400;
        return 0;
    case CH_SIZE_LF:
        return ch == '\n' ? size_done(c, max_total) : -400;
    case CH_DATA_CR:
        if (ch == '\n')
            c->state = CH_SIZE;
        else if (ch == '\r')
            c->state = CH_DATA_LF;
        else
            return -400;
        c->line = 0;
        return 0;
    case CH_DATA_LF:
        if (ch != '\n')
            return -400;
        c->state = CH_SIZE;
        return 0;
    case CH_TRAILER_START:
        if (ch == '\n')
            return 1;
        c->state = ch == '\r' ? CH_END_LF : CH_TRAILER;
        if (c->state == CH_END_LF)
            return 0;
        __attribute__((fallthrough)); /* a trailer field begins */
    case CH_TRAILER:
        if (++c->trailer > CH_MAX_TRAILER)
            return -400;
        if (ch == '\r')
            c->state = CH_TRAILER_LF;
        else if (ch == '\n')
            c->state = CH_TRAILER_START;
        else if (!is_field_char((unsigned char)ch))
            return -400;
        return 0;
    case CH_TRAILER_LF:
        if (ch != '\n')
            return -400;
        c->state = CH_TRAILER_START;
        return 0;
    case CH_END_LF:
        return ch == '\n' ? 1 : -400;
    }
    return -400;
}

int http_chunked_feed(struct http_chunked *c, const char *p, size_t len,
                      size_t *used, uint64_t max_total)
{
    size_t i = 0;

    while (i < len) {
        int st;

        if (c->state == CH_DATA) {
            size_t n = len - i;

            if (n > c->remaining)
                n = (size_t)c->remaining;
            c->remaining -= n;
            i += n;
            if (!c->remaining)
                c->state = CH_DATA_CR;
            continue;
        }
        st = chunk_byte(c, (unsigned char)p[i++], max_total);
        if (st != 0) {
            *used = i;
            return st;
        }
    }
    *used = len;
    return 0;
}
