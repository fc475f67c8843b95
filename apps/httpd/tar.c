/*
 * ustar (POSIX.1-1988) reader.  The whole archive is in memory (a boot
 * module or a file read once); nothing here trusts it: a bad checksum,
 * a size past the end, a number that is not octal, a GNU or pax
 * extension that would rename the next entry: each stops the walk with
 * a reason, rather than serving something other than what was packed.
 */
#include <string.h>
#include "tar.h"

#define BLOCK 512

void tar_open(struct tar_reader *r, const void *buf, size_t len)
{
    r->buf = buf;
    r->len = len;
    r->off = 0;
    r->error = NULL;
}

/* An octal number field: leading spaces, digits, then NUL/space to the
 * end.  Base-256 (high bit) numbers are refused: no site needs files of
 * 8 GiB, nor dates before 1970. */
static int octal(const uint8_t *f, size_t n, uint64_t *out)
{
    size_t i = 0;
    uint64_t v = 0;
    int any = 0;

    while (i < n && f[i] == ' ')
        i++;
    for (; i < n && f[i] >= '0' && f[i] <= '7'; i++, any = 1) {
        if (v >> 60)
            return -1;
        v = v * 8 + (uint64_t)(f[i] - '0');
    }
    for (; i < n; i++)
        if (f[i] != 0 && f[i] != ' ')
            return -1;
    *out = v;
    return any ? 0 : -1;
}

static int checksum_ok(const uint8_t *h)
{
    uint64_t want;
    unsigned sum = 0;

    if (octal(h + 148, 8, &want))
        return 0;
    for (int i = 0; i < BLOCK; i++)
        sum += (i >= 148 && i < 156) ? ' ' : h[i];
    return sum == want;
}

static int zero_block(const uint8_t *h)
{
    for (int i = 0; i < BLOCK; i++)
        if (h[i])
            return 0;
    return 1;
}

/* prefix "/" name; either field may fill its width with no NUL. */
static void entry_name(const uint8_t *h, char *out)
{
    size_t np = 0, nn = strnlen((const char *)h, 100);

    if (!memcmp(h + 257, "ustar", 5)) {
        np = strnlen((const char *)h + 345, 155);
        memcpy(out, h + 345, np);
        if (np)
            out[np++] = '/';
    }
    memcpy(out + np, h, nn);
    out[np + nn] = 0;
}

static int fail(struct tar_reader *r, const char *why)
{
    r->error = why;
    return -1;
}

int tar_next(struct tar_reader *r, struct tar_entry *e)
{
    for (;;) {
        const uint8_t *h = r->buf + r->off;
        uint64_t size, mtime, pad;
        size_t room;

        if (r->error)
            return -1;
        if (r->off >= r->len)
            return 0; /* no end blocks: the archive ends with its data */
        if (r->len - r->off < BLOCK)
            return fail(r, "truncated header");
        if (zero_block(h))
            return 0;
        if (!checksum_ok(h))
            return fail(r, "bad header checksum");
        if (octal(h + 124, 12, &size) || octal(h + 136, 12, &mtime))
            return fail(r, "size or mtime is not an octal number");
        room = r->len - r->off - BLOCK;
        if (size > room)
            return fail(r, "size past the end of the archive");
        e->header = r->off;
        e->data = r->off + BLOCK;
        e->size = size;
        e->mtime = (int64_t)mtime;
        entry_name(h, e->name);
        /* The last entry's padding may be missing: stop at the end. */
        pad = (size + BLOCK - 1) / BLOCK * BLOCK;
        r->off = pad > room ? r->len : r->off + BLOCK + (size_t)pad;
        switch (h[156]) {
        case '0':
        case 0:
        case '7': /* contiguous file: a regular file to any reader */
            e->type = TAR_FILE;
            return 1;
        case '5':
            e->type = TAR_DIR;
            e->size = 0;
            return 1;
        case 'g': /* pax global header (git archive writes a comment) */
            continue;
        case 'x':
        case 'L':
        case 'K':
            r->off = e->header;
            return fail(r, "pax or GNU long-name header: pack with "
                           "--format=ustar (scripts/pack-site)");
        default: /* links, devices, FIFOs: nothing to serve */
            e->type = TAR_OTHER;
            return 1;
        }
    }
}
