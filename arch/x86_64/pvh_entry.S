/*
 * PVH entry: the loader jumps here in 32-bit flat protected mode, paging
 * off, %ebx = physical address of struct hvm_start_info.  We zero .bss,
 * identity-map the first 4 GiB with 2 MiB pages, enter long mode and call
 * pvh_start_c(start_info_paddr).  Everything lives inside the ELF image
 * (.bss included): under Xen the first module sits right after the image,
 * so nothing here may touch memory past _image_end.
 */
#include <xen/elfnote.h>

#define CR0_PE      (1 << 0)
#define CR0_PG      (1 << 31)
#define CR0_MP      (1 << 1)
#define CR0_EM      (1 << 2)
#define CR0_TS      (1 << 3)
#define CR4_PAE     (1 << 5)
#define CR4_OSFXSR  (1 << 9)
#define CR4_OSXMMEXCPT (1 << 10)
#define MSR_EFER    0xc0000080
#define EFER_LME    (1 << 8)
#define PTE_P       0x1
#define PTE_W       0x2
#define PTE_PS      0x80
#define BOOT_STACK_SIZE 16384

/* The note QEMU and Xen look for.  8-byte descriptor: QEMU reads it as a
 * 64-bit value in an ELF64 (FIELD-NOTES), as Linux emits it. */
        .section .note.Xen, "a"
        .p2align 2
        .long   4                       /* namesz: "Xen\0" */
        .long   8                       /* descsz */
        .long   XEN_ELFNOTE_PHYS32_ENTRY
        .asciz  "Xen"
        .p2align 2
        .quad   pvh_start
        .p2align 2

        .section .text.entry, "ax"
        .code32
        .globl  pvh_start
pvh_start:
        cli
        cld
        mov     %ebx, %esi              /* keep start_info across the bss wipe */

        mov     $__bss_start, %edi
        mov     $__bss_end, %ecx
        sub     %edi, %ecx
        xor     %eax, %eax
        rep stosb

        mov     %esi, pvh_start_info_paddr
        mov     $boot_stack_top, %esp

        /* PML4[0] -> PDPT; PDPT[0..3] -> four page directories of 2 MiB
         * pages: an identity map of [0, 4 GiB).  RAM above 4 GiB is mapped
         * later from C, once the memory map is known. */
        mov     $boot_pdpt, %eax
        or      $(PTE_P | PTE_W), %eax
        mov     %eax, boot_pml4

        xor     %ecx, %ecx
1:      mov     %ecx, %eax
        shl     $12, %eax
        add     $boot_pd, %eax
        or      $(PTE_P | PTE_W), %eax
        mov     %eax, boot_pdpt(, %ecx, 8)
        inc     %ecx
        cmp     $4, %ecx
        jne     1b

        xor     %ecx, %ecx              /* ecx = index of the 2 MiB page */
2:      mov     %ecx, %eax
        shl     $21, %eax
        or      $(PTE_P | PTE_W | PTE_PS), %eax
        mov     %eax, boot_pd(, %ecx, 8)
        mov     %ecx, %eax
        shr     $11, %eax               /* high dword: bits 32+ of the address */
        mov     %eax, boot_pd + 4(, %ecx, 8)
        inc     %ecx
        cmp     $2048, %ecx
        jne     2b

        mov     %cr4, %eax
        or      $CR4_PAE, %eax
        mov     %eax, %cr4
        mov     $boot_pml4, %eax
        mov     %eax, %cr3
        mov     $MSR_EFER, %ecx
        rdmsr
        or      $EFER_LME, %eax
        wrmsr
        mov     %cr0, %eax
        or      $(CR0_PE | CR0_PG), %eax
        mov     %eax, %cr0

        lgdt    boot_gdt_desc
        ljmp    $0x08, $long_mode

        .code64
long_mode:
        mov     $0x10, %ax
        mov     %ax, %ds
        mov     %ax, %es
        mov     %ax, %ss
        xor     %eax, %eax
        mov     %ax, %fs
        mov     %ax, %gs
        lea     boot_stack_top(%rip), %rsp
        and     $-16, %rsp

        /* FPU and SSE on before any C: the C library (and libgcc) use
         * SSE registers.  The runtime's own code is built without SSE. */
        mov     %cr0, %rax
        and     $~(CR0_EM | CR0_TS), %rax
        or      $CR0_MP, %rax
        mov     %rax, %cr0
        mov     %cr4, %rax
        or      $(CR4_OSFXSR | CR4_OSXMMEXCPT), %rax
        mov     %rax, %cr4
        fninit
        xor     %ebp, %ebp              /* ends the backtrace chain */
        mov     pvh_start_info_paddr(%rip), %edi
        call    pvh_start_c
3:      cli
        hlt
        jmp     3b

        .section .rodata
        .p2align 3
boot_gdt:
        .quad   0                       /* null */
        .quad   0x00af9a000000ffff      /* 0x08: 64-bit code */
        .quad   0x00cf92000000ffff      /* 0x10: data */
boot_gdt_end:
boot_gdt_desc:
        .word   boot_gdt_end - boot_gdt - 1
        .quad   boot_gdt

        .data
        .p2align 2
        .globl  pvh_start_info_paddr
pvh_start_info_paddr:
        .long   0

        .bss
        .p2align 12
boot_pml4:
        .skip   4096
boot_pdpt:
        .skip   4096
boot_pd:
        .skip   4096 * 4
        .p2align 4
        .globl  boot_stack_bottom, boot_stack_top
boot_stack_bottom:
        .skip   BOOT_STACK_SIZE
boot_stack_top:
        .globl  boot_pml4, boot_pd
