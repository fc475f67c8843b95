/* <sys/random.h>, where glibc and the BSDs also declare getentropy (newlib
 * 3.3.0 has no such header; its <unistd.h> declares it too). */
#ifndef TERN_POSIX_SYS_RANDOM_H
#define TERN_POSIX_SYS_RANDOM_H

#include <stddef.h>

#ifndef GETENTROPY_MAX
#define GETENTROPY_MAX 256
#endif

int getentropy(void *buffer, size_t length);

#endif
