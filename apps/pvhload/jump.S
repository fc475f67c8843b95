/*
 * pvhload_jump(entry, start_info): leave long mode and enter a PVH kernel
 * in the state the ABI prescribes (docs/misc/pvh.pandoc): 32-bit flat
 * protected mode, paging off, cr0 = PE (plus the read-only ET), cr4 = 0,
 * flat 32-bit cs/ds/es/ss, a 32-bit TSS with base 0 and limit 0x67 in tr,
 * eflags with IF, TF and VM clear, ebx = start_info.  Runs from
 * identity-mapped memory below 4 GiB, so turning paging off is seamless.
 */
#define MSR_EFER 0xc0000080
#define EFER_LME (1 << 8)
#define EFER_NXE (1 << 11)
#define CR0_PG (1 << 31)

        .text
        .code64
        .globl  pvhload_jump
pvhload_jump:
        cli
        mov     %rsi, %rbx              /* start_info */
        lgdt    jump_gdt_desc(%rip)
        pushq   $0x08                   /* 32-bit code: compatibility mode */
        leaq    1f(%rip), %rax
        pushq   %rax
        lretq
        .code32
1:      mov     $0x10, %eax
        mov     %eax, %ds
        mov     %eax, %es
        mov     %eax, %ss
        mov     %eax, %fs
        mov     %eax, %gs
        mov     %cr0, %eax
        and     $~CR0_PG, %eax
        mov     %eax, %cr0              /* paging off: long mode inactive */
        mov     $MSR_EFER, %ecx
        rdmsr
        and     $~(EFER_LME | EFER_NXE), %eax /* no-execute: ours, not the ABI's */
        wrmsr
        xor     %eax, %eax
        mov     %eax, %cr4
        mov     $0x11, %eax             /* PE; ET reads as 1 regardless */
        mov     %eax, %cr0
        mov     $0x18, %eax
        ltr     %ax
        pushl   $0x2                    /* eflags: only the reserved bit */
        popfl
        xor     %eax, %eax
        xor     %ecx, %ecx
        xor     %edx, %edx
        xor     %esi, %esi
        xor     %ebp, %ebp
        jmp     *%edi

        /* Writable: the CPU sets the accessed bits when cs and ds are
         * loaded, while paging (and write protection) is still on. */
        .data
        .p2align 3
jump_gdt:
        .quad   0
        .quad   0x00cf9a000000ffff      /* 0x08: 32-bit code, base 0, 4 GiB */
        .quad   0x00cf92000000ffff      /* 0x10: 32-bit data, base 0, 4 GiB */
        .quad   0x0000890000000067      /* 0x18: 32-bit TSS, base 0, limit 0x67 */
jump_gdt_end:
jump_gdt_desc:
        .word   jump_gdt_end - jump_gdt - 1
        .quad   jump_gdt
