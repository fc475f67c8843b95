/*
 * libFuzzer target: httpd's tar reader and site index (apps/httpd/tar.c,
 * site.c).  The input is an archive.  Checked beyond "no crash": every
 * file's bytes lie inside the archive, every path is clean (no "..", no
 * empty, "." or leading components, no control bytes), paths are
 * strictly sorted, and each is found by site_find.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../apps/httpd/site.h"
#include "../../apps/httpd/tar.h"

#define check(ok)                                                         \
    do {                                                                  \
        if (!(ok)) {                                                      \
            fprintf(stderr, "fuzz_tar.c:%d: %s\n", __LINE__, #ok);        \
            abort();                                                      \
        }                                                                 \
    } while (0)

static void clean_path(const char *p)
{
    size_t n = strlen(p);

    check(n > 0 && p[0] != '/' && p[n - 1] != '/');
    check(!strstr(p, "//"));
    for (const char *seg = p; seg; seg = strchr(seg, '/') ? strchr(seg, '/') + 1 : NULL) {
        size_t k = strcspn(seg, "/");

        check(!(k == 1 && seg[0] == '.'));
        check(!(k == 2 && seg[0] == '.' && seg[1] == '.'));
    }
    for (size_t i = 0; i < n; i++)
        check((unsigned char)p[i] >= 0x20 && p[i] != 0x7f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tar_reader r;
    struct tar_entry e;
    struct site s;
    char err[160];
    int st;

    tar_open(&r, data, size);
    while ((st = tar_next(&r, &e)) > 0) {
        check(e.data >= 512 && e.data <= size && e.size <= size - e.data);
        check(strlen(e.name) < sizeof e.name);
    }
    check(st == 0 || r.error != NULL);
    if (site_build(&s, data, size, err, sizeof err) != 0) {
        check(err[0] != 0);
        return 0;
    }
    for (size_t i = 0; i < s.count; i++) {
        const struct site_file *f = &s.files[i];

        clean_path(f->path);
        check(f->data >= data && f->size <= (uint64_t)(data + size - f->data));
        if (i)
            check(strcmp(s.files[i - 1].path, f->path) < 0);
        check(site_find(&s, f->path, strlen(f->path)) == f);
    }
    site_free(&s);
    return 0;
}
