/* eventfd(), as Linux has it: a counter behind a descriptor, to wake a
 * poll() loop from another thread or an interrupt handler. */
#ifndef _TERN_SYS_EVENTFD_H
#define _TERN_SYS_EVENTFD_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define EFD_SEMAPHORE 0x1
#define EFD_NONBLOCK 0x4000 /* O_NONBLOCK */
#define EFD_CLOEXEC 0x80000 /* accepted; there is no exec */

typedef uint64_t eventfd_t;

int eventfd(unsigned int initval, int flags);
int eventfd_read(int fd, eventfd_t *value);
int eventfd_write(int fd, eventfd_t value);

#ifdef __cplusplus
}
#endif

#endif
