/* QEMU's floor: the smallest PVH kernel, whose first instruction asks
 * isa-debug-exit (port 0xf4) to end QEMU.  make bench times Tern against
 * it: the difference is Tern's own cost. */
#include <xen/elfnote.h>

        .section .note.Xen, "a"
        .p2align 2
        .long   4, 8, XEN_ELFNOTE_PHYS32_ENTRY
        .asciz  "Xen"
        .p2align 2
        .quad   floor_start

        .text
        .code32
        .globl  floor_start
floor_start:
        xor     %eax, %eax
        outb    %al, $0xf4
1:      hlt
        jmp     1b
