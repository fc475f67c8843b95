/*
 * pvhcheck: audit a PVH loader.  The entry code saved the machine state
 * before touching it; the parser kept what start_info said.  Each check
 * prints "PASS|FAIL|SKIP <id>: <what> (<values seen>)", unspecified
 * values print as INFO, and the last line is Xen Test Framework's verdict:
 * "Test result: SUCCESS" (exit 0), "SKIP" (3), "ERROR" (4), "FAILURE" (5).
 * A JSON summary line precedes it.  See docs/pvhcheck.md.
 */
#include <stdarg.h>
#include <stdio.h>
#include <tern/tern.h>
#include "check.h"

static int passed, failed, skipped;

static void line(const char *word, const char *id, const char *fmt,
                 va_list ap)
{
    printf("%s %s: ", word, id);
    vprintf(fmt, ap);
    printf("\n");
}

void check(int ok, const char *id, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    line(ok ? "PASS" : "FAIL", id, fmt, ap);
    va_end(ap);
    if (ok)
        passed++;
    else
        failed++;
}

void skip(const char *id, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    line("SKIP", id, fmt, ap);
    va_end(ap);
    skipped++;
}

void info(const char *id, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    line("INFO", id, fmt, ap);
    va_end(ap);
}

int main(int argc, char **argv)
{
    const char *verdict;
    int status;

    (void)argc;
    (void)argv;
    printf("pvhcheck: the loader's PVH entry state and start_info against "
           "Xen's docs/misc/pvh.pandoc and start_info.h\n");
    check_cpu_state();
    check_start_info(tern_boot_info());
    if (failed) {
        verdict = "FAILURE";
        status = 5;
    } else if (passed) {
        verdict = "SUCCESS";
        status = 0;
    } else {
        verdict = "SKIP";
        status = 3;
    }
    printf("pvhcheck-json: {\"passed\": %d, \"failed\": %d, \"skipped\": %d, "
           "\"result\": \"%s\"}\n",
           passed, failed, skipped, verdict);
    printf("Test result: %s\n", verdict);
    return status;
}
