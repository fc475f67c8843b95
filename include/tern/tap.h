/*
 * TAP (Test Anything Protocol) lines for test apps: what tests/run.py
 * and other harnesses read.  tap_done() prints the plan and a
 * "# N failed" line and returns N, the app's exit status.  For one
 * source file per app: the counters are its own.
 */
#ifndef TERN_TAP_H
#define TERN_TAP_H

#include <stdio.h>

static int tap_count, tap_failures;

static inline void tap_ok(int cond, const char *name)
{
    tap_count++;
    tap_failures += !cond;
    printf("%sok %d - %s\n", cond ? "" : "not ", tap_count, name);
}

/* A check that cannot run here, and why: counted as passed. */
static inline void tap_skip(const char *name, const char *why)
{
    printf("ok %d - %s # SKIP %s\n", ++tap_count, name, why);
}

static inline int tap_done(void)
{
    printf("1..%d\n# %d failed\n", tap_count, tap_failures);
    return tap_failures;
}

#endif
