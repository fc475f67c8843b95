/* pvhcheck's reporting: one line per check, a verdict at the end. */
#ifndef PVHCHECK_CHECK_H
#define PVHCHECK_CHECK_H

#include <tern/boot_info.h>

/* PASS or FAIL line: "PASS cr4: all bits clear (cr4=0x0)". */
void check(int ok, const char *id, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A check that cannot be made here, with the reason. */
void skip(const char *id, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* A value the ABI leaves unspecified, reported without a verdict. */
void info(const char *id, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

void check_cpu_state(void);
void check_start_info(const struct boot_info *bi);

#endif
