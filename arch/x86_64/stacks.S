/*
 * The runtime's own stacks: main's (the boot stack, which becomes the
 * main thread's), and the interrupt stack table's for double faults and
 * NMIs.  Each sits above a guard page that sched_init unmaps, in a
 * segment right after the read-only part of the image (linker.ld), so a
 * frame that skipped a guard would write only read-only memory or another
 * of these stacks, never page tables or data.  With
 * -fstack-clash-protection no frame skips a guard: gcc probes every page.
 */
#include <tern/config.h>

#define PAGE_SIZE 4096
#define PAGES(bytes) (((bytes) + PAGE_SIZE - 1) / PAGE_SIZE * PAGE_SIZE)

        .macro  STACK name, bytes
        .p2align 12
        .globl  \name\()_guard, \name\()_bottom, \name\()_top
\name\()_guard:
        .skip   PAGE_SIZE
\name\()_bottom:
        .skip   PAGES(\bytes)
\name\()_top:
        .endm

        .section .bss.stacks, "aw", @nobits
        /* Lowest, above nothing but read-only memory: the stack apps use. */
        STACK   boot_stack, (CONFIG_MAIN_STACK_KIB*1024)
        STACK   df_stack, 16384
        STACK   nmi_stack, 8192
