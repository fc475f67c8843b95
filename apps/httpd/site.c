/*
 * The site's index over a tar archive (tar.c reads it).  Names are made
 * paths once, here; a ".." or a control byte refuses the archive, since
 * an honest site never has one.  Later entries with the same path win,
 * as when the archive is unpacked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "site.h"
#include "tar.h"

long site_clean_name(char *name)
{
    char *in = name, *out = name;

    while (*in) {
        char *end = strchr(in, '/');
        size_t n = end ? (size_t)(end - in) : strlen(in);

        for (size_t i = 0; i < n; i++)
            if ((unsigned char)in[i] < 0x20 || in[i] == 0x7f)
                return -1;
        if (n == 2 && in[0] == '.' && in[1] == '.')
            return -1;
        if (n && !(n == 1 && in[0] == '.')) {
            if (out != name)
                *out++ = '/';
            memmove(out, in, n);
            out += n;
        }
        in += n + (end != NULL);
    }
    *out = 0;
    return out - name;
}

static int by_path(const void *a, const void *b)
{
    const struct site_file *x = a, *y = b;
    int c = strcmp(x->path, y->path);

    /* Equal paths keep archive order (data pointers grow through it). */
    return c ? c : (x->data > y->data) - (x->data < y->data);
}

static int add(struct site *s, size_t *cap, const struct tar_entry *e,
               const uint8_t *base, char *err, size_t errlen)
{
    char name[sizeof e->name];
    long n;

    memcpy(name, e->name, sizeof name);
    n = site_clean_name(name);
    if (n < 0) {
        snprintf(err, errlen, "unsafe name at offset %zu (.. or a control "
                 "byte)", e->header);
        return -1;
    }
    if (n == 0 || e->type == TAR_OTHER) {
        s->skipped += e->type == TAR_OTHER;
        return 0; /* the root itself, or nothing to serve */
    }
    if (s->count == *cap) {
        size_t ncap = *cap ? *cap * 2 : 32;
        struct site_file *f = realloc(s->files, ncap * sizeof *f);

        if (!f) {
            snprintf(err, errlen, "out of memory for %zu entries", ncap);
            return -1;
        }
        s->files = f;
        *cap = ncap;
    }
    s->files[s->count].path = strdup(name);
    if (!s->files[s->count].path) {
        snprintf(err, errlen, "out of memory for names");
        return -1;
    }
    s->files[s->count].data = base + e->data;
    s->files[s->count].size = e->size;
    s->files[s->count].mtime = e->mtime;
    s->files[s->count].is_dir = e->type == TAR_DIR;
    s->count++;
    return 0;
}

/* Sorted, then the last of each run of equal paths kept. */
static void dedupe(struct site *s)
{
    size_t out = 0;

    if (s->count) /* qsort of NULL, even empty, is undefined */
        qsort(s->files, s->count, sizeof *s->files, by_path);
    for (size_t i = 0; i < s->count; i++) {
        if (i + 1 < s->count &&
            !strcmp(s->files[i].path, s->files[i + 1].path)) {
            free(s->files[i].path);
            continue;
        }
        s->files[out++] = s->files[i];
    }
    s->count = out;
    s->nfiles = 0;
    for (size_t i = 0; i < s->count; i++)
        s->nfiles += !s->files[i].is_dir;
}

int site_build(struct site *s, const void *buf, size_t len, char *err,
               size_t errlen)
{
    struct tar_reader r;
    struct tar_entry e;
    size_t cap = 0;
    int st;

    memset(s, 0, sizeof *s);
    tar_open(&r, buf, len);
    while ((st = tar_next(&r, &e)) > 0)
        if (add(s, &cap, &e, buf, err, errlen)) {
            site_free(s);
            return -1;
        }
    if (st < 0) {
        snprintf(err, errlen, "%s at offset %zu", r.error, r.off);
        site_free(s);
        return -1;
    }
    dedupe(s);
    return 0;
}

void site_free(struct site *s)
{
    for (size_t i = 0; i < s->count; i++)
        free(s->files[i].path);
    free(s->files);
    memset(s, 0, sizeof *s);
}

/* strcmp order between a stored path and path[0..len). */
static int cmp_len(const char *stored, const char *path, size_t len)
{
    int c = strncmp(stored, path, len);

    return c ? c : stored[len] != 0;
}

/* The first entry not ordered before path[0..len). */
static size_t lower_bound(const struct site *s, const char *path, size_t len)
{
    size_t lo = 0, hi = s->count;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (cmp_len(s->files[mid].path, path, len) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

const struct site_file *site_find(const struct site *s, const char *path,
                                  size_t len)
{
    size_t i = lower_bound(s, path, len);

    if (i < s->count && cmp_len(s->files[i].path, path, len) == 0)
        return &s->files[i];
    return NULL;
}

int site_is_dir(const struct site *s, const char *path, size_t len)
{
    const struct site_file *f = site_find(s, path, len);
    size_t i;

    if (f)
        return f->is_dir;
    if (len == 0)
        return 1;
    /* "dir/..." sorts after "dir" and after any "dir" + byte < '/'
     * ("dir-x", "dir.y"); scan that short run for the first "dir/". */
    for (i = lower_bound(s, path, len); i < s->count; i++) {
        const char *p = s->files[i].path;

        if (strncmp(p, path, len))
            return 0;
        if (p[len] == '/')
            return 1;
        if ((unsigned char)p[len] > '/')
            return 0;
    }
    return 0;
}

const char *site_content_type(const char *path, size_t len)
{
    static const char *const types[][2] = {
        {"html", "text/html"}, {"htm", "text/html"},
        {"css", "text/css"}, {"js", "text/javascript"},
        {"mjs", "text/javascript"}, {"json", "application/json"},
        {"txt", "text/plain"}, {"md", "text/markdown"},
        {"xml", "application/xml"}, {"svg", "image/svg+xml"},
        {"png", "image/png"}, {"jpg", "image/jpeg"},
        {"jpeg", "image/jpeg"}, {"gif", "image/gif"},
        {"webp", "image/webp"}, {"ico", "image/x-icon"},
        {"avif", "image/avif"}, {"woff", "font/woff"},
        {"woff2", "font/woff2"}, {"wasm", "application/wasm"},
        {"pdf", "application/pdf"}, {"mp4", "video/mp4"},
        {"webm", "video/webm"}, {"mp3", "audio/mpeg"},
        {"tar", "application/x-tar"}, {"gz", "application/gzip"},
        {"zip", "application/zip"},
    };
    size_t dot = len;

    while (dot > 0 && path[dot - 1] != '.' && path[dot - 1] != '/')
        dot--;
    if (dot == 0 || path[dot - 1] != '.')
        return "application/octet-stream";
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        size_t n = strlen(types[i][0]);

        if (len - dot == n && !strncasecmp(path + dot, types[i][0], n))
            return types[i][1];
    }
    return "application/octet-stream";
}
