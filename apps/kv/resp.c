/* RESP2 request parser, after Redis's processMultibulkBuffer and
 * processInlineBuffer (src/networking.c): the same error replies for the
 * same faults.  Where Redis trusts the client (it skips the two bytes
 * after a bulk argument unread), this parser checks for "\r\n". */
#include <stdio.h>
#include <string.h>
#include "mem.h"
#include "resp.h"

void resp_init(struct resp_parser *p, size_t max_args, size_t max_bulk)
{
    memset(p, 0, sizeof(*p));
    p->max_args = max_args;
    p->max_bulk = max_bulk;
    p->bulk = -1;
}

void resp_free(struct resp_parser *p)
{
    kvmem_free(p->argv);
    p->argv = NULL;
    p->cap = 0;
}

void resp_next(struct resp_parser *p)
{
    p->pos = 0;
    p->want = 0;
    p->bulk = -1;
    p->multibulk = 0;
    p->argc = 0;
}

int resp_strtoll(const char *s, size_t len, long long *out)
{
    unsigned long long v = 0, limit;
    int negative = 0;
    size_t i = 0;

    if (len == 1 && s[0] == '0') {
        *out = 0;
        return 1;
    }
    if (len && s[0] == '-') {
        negative = 1;
        i = 1;
    }
    if (i >= len || s[i] < '1' || s[i] > '9')
        return 0;
    limit = negative ? (unsigned long long)__LONG_LONG_MAX__ + 1
                     : (unsigned long long)__LONG_LONG_MAX__;
    for (; i < len; i++) {
        unsigned d = (unsigned char)s[i] - '0';

        if (d > 9 || v > (limit - d) / 10)
            return 0;
        v = v * 10 + d;
    }
    /* -v computed in unsigned then converted: defined for v == 2^63 */
    *out = negative ? (long long)(0 - v) : (long long)v;
    return 1;
}

static enum resp_status fail(struct resp_parser *p, const char *what)
{
    snprintf(p->error, sizeof(p->error), "ERR Protocol error: %s", what);
    return RESP_ERROR;
}

static enum resp_status out_of_memory(struct resp_parser *p)
{
    snprintf(p->error, sizeof(p->error),
             "OOM command not allowed when used memory > 'maxmemory'.");
    return RESP_ERROR;
}

static int add_arg(struct resp_parser *p, size_t off, size_t len)
{
    if (p->argc == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 8;
        struct resp_arg *a = kvmem_realloc(p->argv, cap * sizeof(*a));

        if (!a)
            return -1;
        p->argv = a;
        p->cap = cap;
    }
    p->argv[p->argc].off = off;
    p->argv[p->argc].len = len;
    p->argc++;
    return 0;
}

/* The line at buf[p->pos..]: its length up to "\r", or -1 when the "\r\n"
 * has not arrived, with *seen the length it has at least. *bad is set
 * when "\r" is not followed by "\n". */
static long long line_end(const struct resp_parser *p, const char *buf,
                          size_t len, size_t *seen, int *bad)
{
    const char *s = buf + p->pos, *cr;
    size_t avail = len - p->pos;

    *bad = 0;
    cr = memchr(s, '\r', avail);
    *seen = cr ? (size_t)(cr - s) : avail;
    if (!cr || (size_t)(cr - s) + 1 >= avail)
        return -1;
    *bad = cr[1] != '\n';
    return cr - s;
}

static enum resp_status multibulk_count(struct resp_parser *p,
                                        const char *buf, size_t len)
{
    int bad;
    size_t seen;
    long long n, end = line_end(p, buf, len, &seen, &bad);

    /* a line longer than the limit fails whether or not its end came in
     * the same read: the verdict does not depend on how input is cut */
    if (seen > RESP_INLINE_MAX)
        return fail(p, "too big mbulk count string");
    if (end < 0)
        return RESP_MORE;
    if (bad || !resp_strtoll(buf + 1, end - 1, &n) ||
        n > (long long)p->max_args)
        return fail(p, "invalid multibulk length");
    p->pos = end + 2;
    p->multibulk = 1;
    p->want = n > 0 ? n : 0; /* "*0" and "*-1": an empty command */
    return RESP_COMMAND;
}

static enum resp_status bulk_header(struct resp_parser *p, const char *buf,
                                    size_t len)
{
    int bad;
    size_t seen;
    long long n, end = line_end(p, buf, len, &seen, &bad);
    const char *s = buf + p->pos;

    if (seen > RESP_INLINE_MAX)
        return fail(p, "too big bulk count string");
    if (end < 0)
        return RESP_MORE;
    if (s[0] != '$') {
        char what[40];
        char c = s[0] == '\r' || s[0] == '\n' ? ' ' : s[0];

        snprintf(what, sizeof(what), "expected '$', got '%c'", c);
        return fail(p, what);
    }
    if (bad || !resp_strtoll(s + 1, end - 1, &n) || n < 0 ||
        (unsigned long long)n > p->max_bulk)
        return fail(p, "invalid bulk length");
    p->pos += end + 2;
    p->bulk = n;
    return RESP_COMMAND;
}

static enum resp_status multibulk_args(struct resp_parser *p,
                                       const char *buf, size_t len)
{
    while (p->want > 0) {
        if (p->bulk < 0) {
            enum resp_status st = bulk_header(p, buf, len);

            if (st != RESP_COMMAND)
                return st;
        }
        if (len - p->pos < (size_t)p->bulk + 2)
            return RESP_MORE;
        if (buf[p->pos + p->bulk] != '\r' || buf[p->pos + p->bulk + 1] != '\n')
            return fail(p, "invalid bulk length");
        if (add_arg(p, p->pos, p->bulk))
            return out_of_memory(p);
        p->pos += p->bulk + 2;
        p->bulk = -1;
        p->want--;
    }
    return RESP_COMMAND;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
           c == '\f';
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* One double-quoted escape at s[*r] (just after the backslash), as
 * sdssplitargs reads it; the byte it stands for. */
static char unescape(const char *s, size_t end, size_t *r)
{
    char c = s[*r];

    if (c == 'x' && *r + 2 < end && hex_value(s[*r + 1]) >= 0 &&
        hex_value(s[*r + 2]) >= 0) {
        c = (char)(hex_value(s[*r + 1]) * 16 + hex_value(s[*r + 2]));
        *r += 2;
        return c;
    }
    switch (c) {
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    case 'b': return '\b';
    case 'a': return '\a';
    default: return c;
    }
}

/* One word of an inline line, from s[*r], written unescaped at s[*w].
 * 0, or -1 for unbalanced quotes. */
static int inline_word(char *s, size_t end, size_t *r, size_t *w)
{
    char quote = 0;

    while (*r < end) {
        char c = s[*r];

        if (quote == '"' && c == '\\' && *r + 1 < end) {
            (*r)++;
            s[(*w)++] = unescape(s, end, r);
        } else if (quote == '\'' && c == '\\' && *r + 1 < end &&
                   s[*r + 1] == '\'') {
            (*r)++;
            s[(*w)++] = '\'';
        } else if (quote && c == quote) {
            /* a closing quote must end the word */
            if (*r + 1 < end && !is_space(s[*r + 1]))
                return -1;
            quote = 0;
        } else if (!quote && (c == '"' || c == '\'')) {
            quote = c;
        } else if (!quote && is_space(c)) {
            break;
        } else {
            s[(*w)++] = c;
        }
        (*r)++;
    }
    return quote ? -1 : 0;
}

static enum resp_status inline_command(struct resp_parser *p, char *buf,
                                       size_t len)
{
    char *nl = memchr(buf, '\n', len);
    size_t end, r = 0, w = 0;

    if (!nl)
        return len > RESP_INLINE_MAX ? fail(p, "too big inline request")
                                     : RESP_MORE;
    end = nl - buf;
    if (end > RESP_INLINE_MAX)
        return fail(p, "too big inline request");
    p->pos = end + 1;
    if (end && buf[end - 1] == '\r')
        end--;
    for (;;) {
        size_t start;

        while (r < end && is_space(buf[r]))
            r++;
        if (r == end)
            return RESP_COMMAND;
        start = w;
        if (inline_word(buf, end, &r, &w))
            return fail(p, "unbalanced quotes in request");
        if (p->argc == p->max_args)
            return fail(p, "too big inline request");
        if (add_arg(p, start, w - start))
            return out_of_memory(p);
    }
}

enum resp_status resp_parse(struct resp_parser *p, char *buf, size_t len)
{
    enum resp_status st;

    if (len == 0)
        return RESP_MORE;
    if (buf[0] != '*')
        return inline_command(p, buf, len);
    if (!p->multibulk) {
        st = multibulk_count(p, buf, len);
        if (st != RESP_COMMAND)
            return st;
    }
    return multibulk_args(p, buf, len);
}
