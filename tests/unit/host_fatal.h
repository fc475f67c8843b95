/* Host stand-in for tern_fatal: a test that expects a fatal error runs the
 * code under FATAL_EXPECTED(); the stand-in jumps back with the message. */
#ifndef TERN_HOST_FATAL_H
#define TERN_HOST_FATAL_H

#include <setjmp.h>

extern jmp_buf *host_fatal_jump;
extern char host_fatal_message[256];
extern int host_fatal_status;

/* Evaluates to 1 when stmt ended in tern_fatal, 0 when it returned. */
#define FATAL_EXPECTED(stmt)                                              \
    ({                                                                    \
        jmp_buf jb_;                                                      \
        int fataled_ = 0;                                                 \
        host_fatal_message[0] = 0;                                        \
        host_fatal_jump = &jb_;                                           \
        if (setjmp(jb_) == 0) {                                           \
            stmt;                                                         \
        } else {                                                          \
            fataled_ = 1;                                                 \
        }                                                                 \
        host_fatal_jump = 0;                                              \
        fataled_;                                                         \
    })

#endif
