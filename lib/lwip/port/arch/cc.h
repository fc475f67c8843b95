/*
 * lwIP's compiler and platform port for Tern: newlib's headers, x86_64
 * (little-endian), diagnostics through the runtime's log, assertions
 * fatal.
 */
#ifndef TERN_LWIP_ARCH_CC_H
#define TERN_LWIP_ARCH_CC_H

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>

/* newlib 3.3.0 has ssize_t but no SSIZE_MAX: without it lwIP's arch.h
 * typedefs its own ssize_t, which clashes with newlib's. */
#ifndef SSIZE_MAX
#define SSIZE_MAX LONG_MAX
#endif

/* BYTE_ORDER comes from newlib's <machine/endian.h>. */
/* errno and its values come from newlib's <errno.h>. */
#define LWIP_ERRNO_STDINCLUDE 1
/* newlib's <sys/time.h> has struct timeval. */
#define LWIP_TIMEVAL_PRIVATE 0

void tern_lwip_diag(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
__attribute__((noreturn)) void tern_lwip_assert(const char *msg,
                                                const char *file, int line);

#define LWIP_PLATFORM_DIAG(x) do { tern_lwip_diag x; } while (0)
#define LWIP_PLATFORM_ASSERT(x) tern_lwip_assert((x), __FILE__, __LINE__)

/* lwIP's heap (lib/lwip/heap.c). */
void *tern_lwip_malloc(size_t n);
void *tern_lwip_calloc(size_t count, size_t n);
void tern_lwip_free(void *p);

/* DHCP transaction ids, DNS query ids, the first local ports.  A host
 * build may bring its own (tests/fuzz/lwip/lwipopts.h). */
uint32_t tern_lwip_rand(void);
#ifndef LWIP_RAND
#define LWIP_RAND() tern_lwip_rand()
#endif

#endif
