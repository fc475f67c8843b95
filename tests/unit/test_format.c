/* tern_snprintf agrees with the C library on what both support. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <tern/format.h>
#include "test.h"

#define SAME(...)                                                         \
    do {                                                                  \
        char a[128], b[128];                                              \
        int na = tern_snprintf(a, sizeof(a), __VA_ARGS__);                \
        int nb = snprintf(b, sizeof(b), __VA_ARGS__);                     \
        CHECK(na == nb && strcmp(a, b) == 0);                             \
        if (strcmp(a, b))                                                 \
            printf("#   got '%s' want '%s'\n", a, b);                     \
    } while (0)

TEST(format_matches_libc)
{
    SAME("plain");
    SAME("%d %i %u", -42, 7, 42u);
    SAME("%x %X %08x %-6x|", 0xbeefu, 0xbeefu, 0x12u, 0xau);
    SAME("%ld %lu %lx", -1L, (unsigned long)UINT64_MAX, 0x1234abcdUL);
    SAME("%lld %llx %016llx", (long long)INT64_MIN, 0xfedcba9876543210ull,
         1ull);
    SAME("%zu %zx", (size_t)123, (size_t)0xabc);
    SAME("%s|%10s|%-10s|%.3s", "abc", "right", "left", "truncate");
    SAME("%c%c %% %5d %-5d| %05d", 'o', 'k', 12, 34, -56);
    SAME("%*d %.*s", 6, 9, 2, "xyz");
    SAME("%hhu %hu", 300, 70000);
}

TEST(format_truncates_and_reports_full_length)
{
    char buf[8];

    CHECK(tern_snprintf(buf, sizeof(buf), "%s", "0123456789") == 10);
    CHECK(strcmp(buf, "0123456") == 0);
    CHECK(tern_snprintf(buf, 0, "abc") == 3);
    CHECK(tern_snprintf(buf, 1, "abc") == 3 && buf[0] == 0);
}

/* Unchecked by the compiler, so malformed formats can be fed. */
static void fmt_unchecked(char *buf, size_t n, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    tern_vsnprintf(buf, n, fmt, ap);
    va_end(ap);
}

TEST(format_odd_input_is_safe)
{
    char buf[32];
    const char *null_string = NULL;

    fmt_unchecked(buf, sizeof(buf), "%s", null_string);
    CHECK(strcmp(buf, "(null)") == 0);
    fmt_unchecked(buf, sizeof(buf), "100%");
    CHECK(strcmp(buf, "100%") == 0);
    fmt_unchecked(buf, sizeof(buf), "%q");
    CHECK(strcmp(buf, "%q") == 0);
    tern_snprintf(buf, sizeof(buf), "%p", (void *)0x1000);
    CHECK(strcmp(buf, "0x1000") == 0);
}
