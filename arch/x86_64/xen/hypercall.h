/* Hypercalls through the page Xen writes for us: entry nr at nr * 32.
 * Arguments in rdi, rsi, rdx, r10, r8; Xen may clobber all of them. */
#ifndef TERN_XEN_HYPERCALL_H
#define TERN_XEN_HYPERCALL_H

#include <stdint.h>

extern uint8_t xen_hypercall_page[4096];

static inline long hypercall3(unsigned nr, uint64_t a1, uint64_t a2,
                              uint64_t a3)
{
    long ret;
    register uint64_t r1 __asm__("rdi") = a1;
    register uint64_t r2 __asm__("rsi") = a2;
    register uint64_t r3 __asm__("rdx") = a3;

    __asm__ volatile("call *%[entry]"
                     : "=a"(ret), "+r"(r1), "+r"(r2), "+r"(r3)
                     : [entry] "r"(xen_hypercall_page + nr * 32)
                     : "memory", "rcx", "r8", "r10", "r11");
    return ret;
}

static inline long hypercall2(unsigned nr, uint64_t a1, uint64_t a2)
{
    return hypercall3(nr, a1, a2, 0);
}

#endif
