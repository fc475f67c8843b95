/* apps/httpd/tar.c, site.c and url.c: archives honest and hostile,
 * names made paths, request targets made site paths. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../apps/httpd/site.h"
#include "../../apps/httpd/tar.h"
#include "../../apps/httpd/url.h"
#include "test.h"

/* An archive being written: headers as GNU tar's ustar writes them. */
struct ar {
    unsigned char buf[16384];
    size_t len;
};

static void set_checksum(unsigned char *h)
{
    unsigned sum = 0;

    memset(h + 148, ' ', 8);
    for (int i = 0; i < 512; i++)
        sum += h[i];
    snprintf((char *)h + 148, 8, "%06o", sum);
}

/* Adds an entry; returns its header for a test to spoil. */
static unsigned char *add(struct ar *a, const char *name, char type,
                          const char *data, size_t size)
{
    unsigned char *h = a->buf + a->len;
    size_t nlen = strlen(name);

    memset(h, 0, 512);
    memcpy(h, name, nlen > 100 ? 100 : nlen);
    snprintf((char *)h + 100, 8, "%07o", 0644);
    snprintf((char *)h + 124, 12, "%011zo", size);
    snprintf((char *)h + 136, 12, "%011o", 1767225600);
    h[156] = (unsigned char)type;
    memcpy(h + 257, "ustar\0" "00", 8);
    set_checksum(h);
    a->len += 512;
    memset(a->buf + a->len, 0, (size + 511) / 512 * 512);
    if (data)
        memcpy(a->buf + a->len, data, size);
    a->len += (size + 511) / 512 * 512;
    return h;
}

static void end(struct ar *a)
{
    memset(a->buf + a->len, 0, 1024);
    a->len += 1024;
}

static int build(struct ar *a, struct site *s, char *err)
{
    return site_build(s, a->buf, a->len, err, 160);
}

TEST(httpd_site_honest)
{
    static struct ar a;
    struct site s;
    char err[160];
    const struct site_file *f;

    a.len = 0;
    add(&a, "./", '5', NULL, 0);
    add(&a, "./index.html", '0', "<h1>hi</h1>", 11);
    add(&a, "./css/", '5', NULL, 0);
    add(&a, "./css/a.css", '0', "p{}", 3);
    add(&a, "./img/x.png", '0', "PNG", 3); /* no entry for img/ */
    add(&a, "./link", '2', NULL, 0);
    end(&a);
    CHECK(build(&a, &s, err) == 0);
    CHECK(s.nfiles == 3 && s.skipped == 1);
    f = site_find(&s, "index.html", 10);
    CHECK(f && !f->is_dir && f->size == 11 && !memcmp(f->data, "<h1>hi</h1>", 11));
    CHECK(f && f->data == a.buf + 1024); /* served from the archive itself */
    CHECK(f && f->mtime == 1767225600);
    f = site_find(&s, "css/a.css", 9);
    CHECK(f && f->size == 3 && !memcmp(f->data, "p{}", 3));
    CHECK(site_is_dir(&s, "css", 3));
    CHECK(site_is_dir(&s, "img", 3)); /* implied by img/x.png */
    CHECK(site_is_dir(&s, "", 0));
    CHECK(!site_is_dir(&s, "im", 2));
    CHECK(!site_is_dir(&s, "index.html", 10));
    CHECK(site_find(&s, "css/a.cs", 8) == NULL);
    CHECK(site_find(&s, "link", 4) == NULL);
    site_free(&s);
}

TEST(httpd_site_later_entry_wins)
{
    static struct ar a;
    struct site s;
    char err[160];
    const struct site_file *f;

    a.len = 0;
    add(&a, "a.txt", '0', "old", 3);
    add(&a, "b.txt", '0', "b", 1);
    add(&a, "./a.txt", '0', "newer", 5);
    end(&a);
    CHECK(build(&a, &s, err) == 0 && s.nfiles == 2);
    f = site_find(&s, "a.txt", 5);
    CHECK(f && f->size == 5 && !memcmp(f->data, "newer", 5));
    site_free(&s);
}

TEST(httpd_site_long_names)
{
    static struct ar a;
    struct site s;
    char err[160], name[101];
    unsigned char *h;

    /* A name filling its 100 bytes has no NUL: still read right. */
    memset(name, 'n', 100);
    name[100] = 0;
    a.len = 0;
    add(&a, name, '0', "x", 1);
    /* ustar prefix: "dir/sub" + "/" + "f.txt" */
    h = add(&a, "f.txt", '0', "y", 1);
    memcpy(h + 345, "dir/sub", 7);
    set_checksum(h);
    end(&a);
    CHECK(build(&a, &s, err) == 0 && s.nfiles == 2);
    CHECK(site_find(&s, name, 100) != NULL);
    CHECK(site_find(&s, "dir/sub/f.txt", 13) != NULL);
    site_free(&s);
}

/* Each spoilt archive is refused whole, with a reason. */
TEST(httpd_site_hostile)
{
    static struct ar a;
    struct site s;
    char err[160];
    unsigned char *h;

    a.len = 0;
    h = add(&a, "a", '0', "abc", 3);
    h[0] = 'b'; /* checksum no longer matches */
    end(&a);
    CHECK(build(&a, &s, err) == -1 && strstr(err, "checksum"));

    a.len = 0;
    h = add(&a, "a", '0', "abc", 3);
    snprintf((char *)h + 124, 12, "%011o", 4096);
    set_checksum(h);
    CHECK(build(&a, &s, err) == -1 && strstr(err, "past the end"));

    a.len = 0;
    h = add(&a, "a", '0', "abc", 3);
    memcpy(h + 124, "0000000009x", 11);
    set_checksum(h);
    CHECK(build(&a, &s, err) == -1 && strstr(err, "octal"));

    a.len = 0;
    h = add(&a, "a", '0', "abc", 3);
    h[124] = 0x80; /* base-256 size */
    set_checksum(h);
    CHECK(build(&a, &s, err) == -1 && strstr(err, "octal"));

    a.len = 0;
    add(&a, "ok", '0', "abc", 3);
    add(&a, "./x/../../etc/passwd", '0', "root", 4);
    CHECK(build(&a, &s, err) == -1 && strstr(err, "unsafe name at offset 1024"));

    a.len = 0;
    add(&a, "a\nb", '0', "abc", 3);
    CHECK(build(&a, &s, err) == -1 && strstr(err, "unsafe"));

    a.len = 0;
    add(&a, "PaxHeaders/a", 'x', "30 path=../../../../etc/passwd\n", 31);
    add(&a, "a", '0', "abc", 3);
    CHECK(build(&a, &s, err) == -1 && strstr(err, "pax"));

    a.len = 0;
    add(&a, "a", '0', "abc", 3);
    CHECK(site_build(&s, a.buf, 514, err, sizeof err) == -1 &&
          strstr(err, "past the end")); /* data cut short */
    CHECK(site_build(&s, a.buf, 300, err, sizeof err) == -1 &&
          strstr(err, "truncated header"));
}

TEST(httpd_site_edges)
{
    static struct ar a;
    struct site s;
    char err[160];

    memset(a.buf, 0, 1024);
    CHECK(site_build(&s, a.buf, 1024, err, sizeof err) == 0 && s.count == 0);
    CHECK(site_build(&s, a.buf, 0, err, sizeof err) == 0 && s.count == 0);
    /* No end blocks, no padding after the last file: still whole. */
    a.len = 0;
    add(&a, "/abs//path/./f", '0', "abc", 3);
    a.len = 512 + 3;
    CHECK(build(&a, &s, err) == 0 && s.nfiles == 1);
    CHECK(site_find(&s, "abs/path/f", 10) != NULL);
    site_free(&s);
    /* git archive's pax global header is a comment: skipped. */
    a.len = 0;
    add(&a, "pax_global_header", 'g', "52 comment=abc\n", 15);
    add(&a, "f", '0', "abc", 3);
    CHECK(build(&a, &s, err) == 0 && s.nfiles == 1);
    site_free(&s);
}

TEST(httpd_site_clean_name)
{
    char n[64];

    strcpy(n, "./a//b/./c/");
    CHECK(site_clean_name(n) == 5 && !strcmp(n, "a/b/c"));
    strcpy(n, "/");
    CHECK(site_clean_name(n) == 0 && !strcmp(n, ""));
    strcpy(n, "a/..");
    CHECK(site_clean_name(n) == -1);
    strcpy(n, "..a/b..");
    CHECK(site_clean_name(n) == 7); /* not ".." components */
    strcpy(n, "a\x7f");
    CHECK(site_clean_name(n) == -1);
}

TEST(httpd_site_content_types)
{
    CHECK(!strcmp(site_content_type("a/index.html", 12), "text/html"));
    CHECK(!strcmp(site_content_type("x.CSS", 5), "text/css"));
    CHECK(!strcmp(site_content_type("x.png", 5), "image/png"));
    CHECK(!strcmp(site_content_type("x.tar.gz", 8), "application/gzip"));
    CHECK(!strcmp(site_content_type("README", 6), "application/octet-stream"));
    CHECK(!strcmp(site_content_type("a.d/README", 10), "application/octet-stream"));
    CHECK(!strcmp(site_content_type("x.", 2), "application/octet-stream"));
}

static const char *path_of(const char *target, int *dir)
{
    static char out[256];

    return url_to_path(target, strlen(target), out, sizeof out, dir) < 0
               ? NULL : out;
}

TEST(httpd_url_to_path)
{
    const char *p;
    int dir;

    p = path_of("/", &dir);
    CHECK(p && !strcmp(p, "") && dir);
    p = path_of("/a/b.html?x=1#f", &dir);
    CHECK(p && !strcmp(p, "a/b.html") && !dir);
    p = path_of("/a/./b/../c/", &dir);
    CHECK(p && !strcmp(p, "a/c") && dir);
    p = path_of("//a///b", &dir);
    CHECK(p && !strcmp(p, "a/b") && !dir);
    p = path_of("/my%20file.txt", &dir);
    CHECK(p && !strcmp(p, "my file.txt"));
    p = path_of("/a/..", &dir);
    CHECK(p && !strcmp(p, "") && dir);
    p = path_of("/x?../../etc", &dir);
    CHECK(p && !strcmp(p, "x"));
    CHECK(path_of("/..", &dir) == NULL);
    CHECK(path_of("/a/../../b", &dir) == NULL);
    CHECK(path_of("/%2e%2e/etc/passwd", &dir) == NULL);
    CHECK(path_of("/a%2f..%2f..%2fb", &dir) == NULL);
    CHECK(path_of("/a%00b", &dir) == NULL);
    CHECK(path_of("/a%0a", &dir) == NULL);
    CHECK(path_of("/a%2", &dir) == NULL);
    CHECK(path_of("/a%zz", &dir) == NULL);
    CHECK(path_of("a", &dir) == NULL);
    CHECK(path_of("http://h/a", &dir) == NULL);
    CHECK(path_of("", &dir) == NULL);
}

TEST(httpd_url_to_path_bounded)
{
    char out[8];
    int dir;

    CHECK(url_to_path("/1234567", 8, out, sizeof out, &dir) == 7);
    CHECK(url_to_path("/12345678", 9, out, sizeof out, &dir) == -1);
    CHECK(url_to_path("/123/567", 8, out, sizeof out, &dir) == 7);
}
