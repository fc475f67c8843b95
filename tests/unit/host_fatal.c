/* tern_fatal for host builds (see host_fatal.h).  A fatal error no test
 * expected ends the test binary with the message. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <tern/exit.h>
#include <tern/format.h>
#include "host_fatal.h"

jmp_buf *host_fatal_jump;
char host_fatal_message[256];
int host_fatal_status;

void tern_fatal(int status, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    tern_vsnprintf(host_fatal_message, sizeof(host_fatal_message), fmt, ap);
    va_end(ap);
    host_fatal_status = status;
    if (!host_fatal_jump) {
        printf("# unexpected tern_fatal(%d): %s\n", status, host_fatal_message);
        exit(2);
    }
    longjmp(*host_fatal_jump, 1);
}
