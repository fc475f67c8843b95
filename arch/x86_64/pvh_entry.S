/*
 * PVH entry: the loader jumps here in 32-bit flat protected mode, paging
 * off, %ebx = physical address of struct hvm_start_info.  We zero .bss,
 * identity-map the first 4 GiB with 2 MiB pages, enter long mode and call
 * pvh_start_c(start_info_paddr).  Everything lives inside the ELF image
 * (.bss included): under Xen the first module sits right after the image,
 * so nothing here may touch memory past _image_end.
 */
#include <tern/entry_state.h>
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
#define EFER_NXE    (1 << 11)
#define CPUID_EXT_NX (1 << 20)
#define PTE_NX_HIGH 0x80000000      /* bit 63, in the entry's high dword */
#define PTE_P       0x1
#define PTE_W       0x2
#define PTE_PS      0x80

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

/* Access rights and limit of the selector saved at ES_SEL + 2*i, with a
 * flag for each instruction that succeeded (ZF).  Clobbers eax, ecx, edx. */
        .macro  SEG_STATE i
        movzwl  pvh_entry_state + ES_SEL + 2 * \i, %ecx
        xor     %edx, %edx
        lar     %ecx, %eax
        jnz     1f
        mov     %eax, pvh_entry_state + ES_SEGS + ES_SEG_SIZE * \i
        or      $ES_SEG_LAR_OK, %edx
1:      lsl     %ecx, %eax
        jnz     2f
        mov     %eax, pvh_entry_state + ES_SEGS + ES_SEG_SIZE * \i + 4
        or      $ES_SEG_LSL_OK, %edx
2:      mov     %edx, pvh_entry_state + ES_SEGS + ES_SEG_SIZE * \i + 8
        .endm

        .section .text.entry, "ax"
        .code32
        .globl  pvh_start
pvh_start:
        /* First, the loader's state, untouched, for apps/pvhcheck.  Only
         * ds is promised flat by the ABI, so only ds-relative stores until
         * ss is ours. */
        mov     %eax, pvh_entry_state + ES_EAX
        mov     %ebx, pvh_entry_state + ES_EBX
        mov     %ecx, pvh_entry_state + ES_ECX
        mov     %edx, pvh_entry_state + ES_EDX
        mov     %esi, pvh_entry_state + ES_ESI
        mov     %edi, pvh_entry_state + ES_EDI
        mov     %ebp, pvh_entry_state + ES_EBP
        mov     %esp, pvh_entry_state + ES_ESP
        rdtsc
        mov     %eax, pvh_entry_state + ES_TSC
        mov     %edx, pvh_entry_state + ES_TSC + 4
        mov     %cs, pvh_entry_state + ES_SEL + 0
        mov     %ds, pvh_entry_state + ES_SEL + 2
        mov     %es, pvh_entry_state + ES_SEL + 4
        mov     %ss, pvh_entry_state + ES_SEL + 6
        mov     %fs, pvh_entry_state + ES_SEL + 8
        mov     %gs, pvh_entry_state + ES_SEL + 10
        str     pvh_entry_state + ES_SEL + 12
        sgdt    pvh_entry_state + ES_GDTR
        sidt    pvh_entry_state + ES_IDTR
        mov     %cr0, %eax
        mov     %eax, pvh_entry_state + ES_CR0
        mov     %cr3, %eax
        mov     %eax, pvh_entry_state + ES_CR3
        mov     %cr4, %eax
        mov     %eax, pvh_entry_state + ES_CR4
        /* lar/lsl read the loader's GDT: before ours replaces it. */
        SEG_STATE 0
        SEG_STATE 1
        SEG_STATE 2
        SEG_STATE 3
        SEG_STATE 4
        SEG_STATE 5
        SEG_STATE 6
        /* A stack we trust, for pushf: our own GDT's flat data segment.
         * Not a reload of %ds: Xen enters with null selectors whose hidden
         * state is flat, and loading a null selector into %ss faults. */
        lgdt    boot_gdt_desc
        mov     $0x10, %eax
        mov     %eax, %ss
        mov     $entry_capture_stack_top, %esp
        pushf
        popl    pvh_entry_state + ES_EFLAGS
        cli
        cld
        /* Before any instruction an old CPU lacks (rdtsc above excepted:
         * see cpu_check.S).  The loader's EFER is still untouched. */
        call    cpu_check               /* returns only on a CPU Tern runs on */
        call    image_check             /* and if the image is still whole */
        mov     $MSR_EFER, %ecx
        rdmsr
        mov     %eax, pvh_entry_state + ES_EFER
        mov     %edx, pvh_entry_state + ES_EFER + 4

        mov     pvh_entry_state + ES_EBX, %esi /* start_info, kept across the bss wipe */

        mov     $__bss_start, %edi      /* both ends 16-byte aligned */
        mov     $__bss_end, %ecx
        sub     %edi, %ecx
        shr     $2, %ecx
        xor     %eax, %eax
        rep stosl

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

        /* No-execute from the start where the CPU has NX (CPUID
         * 0x80000001 EDX bit 20; cpu_check made sure the leaf exists):
         * every 2 MiB page but those holding the text gets bit 63, and
         * EFER.NXE goes on with LME.  paging_protect_kernel then has only
         * the text's own 2 MiB pages and RAM above 4 GiB to sweep. */
        mov     $0x80000001, %eax
        cpuid
        xor     %ebp, %ebp
        test    $CPUID_EXT_NX, %edx
        jz      3f
        mov     $PTE_NX_HIGH, %ebp
3:      mov     $boot_pd, %edi          /* 2048 entries of 2 MiB pages */
        mov     $(PTE_P | PTE_W | PTE_PS), %eax /* low dword: address | flags */
        mov     $2048, %ecx             /* all below 4 GiB: high dword NX or 0 */
2:      mov     %eax, (%edi)
        mov     %ebp, 4(%edi)
        add     $8, %edi
        add     $0x200000, %eax
        dec     %ecx
        jnz     2b
        mov     $_text_start, %ecx      /* the text's 2 MiB pages: executable */
        shr     $21, %ecx
        mov     $_text_end - 1, %esi
        shr     $21, %esi
4:      movl    $0, boot_pd + 4(, %ecx, 8)
        inc     %ecx
        cmp     %esi, %ecx
        jbe     4b

        mov     %cr4, %eax
        or      $CR4_PAE, %eax
        mov     %eax, %cr4
        mov     $boot_pml4, %eax
        mov     %eax, %cr3
        mov     $MSR_EFER, %ecx
        rdmsr
        or      $EFER_LME, %eax
        test    %ebp, %ebp
        jz      5f
        or      $EFER_NXE, %eax
5:      wrmsr
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

        /* In the entry's own text, the image's first pages: a firmware
         * that overwrote the image's top (SeaBIOS at -m 1408K) must not
         * turn the first lgdt into a silent triple fault before
         * image_check can say so.  Accessed bits preset: no CPU write. */
        .section .text.entry.rodata, "a"
        .p2align 3
boot_gdt:
        .quad   0                       /* null */
        .quad   0x00af9b000000ffff      /* 0x08: 64-bit code */
        .quad   0x00cf93000000ffff      /* 0x10: data */
boot_gdt_end:
boot_gdt_desc:
        .word   boot_gdt_end - boot_gdt - 1
        .quad   boot_gdt

        .data
        .p2align 2
        .globl  pvh_start_info_paddr
pvh_start_info_paddr:
        .long   0
        .p2align 3
        .globl  pvh_entry_state
pvh_entry_state:                        /* in .data: survives the bss wipe */
        .skip   ES_SIZE
        .p2align 4
        .skip   64
entry_capture_stack_top:

        .bss
        .p2align 12
boot_pml4:
        .skip   4096
boot_pdpt:
        .skip   4096

        /* Filled or used before being read: not worth zeroing at entry. */
        .section .bss.nozero, "aw", @nobits
        .p2align 12
boot_pd:
        .skip   4096 * 4
        .globl  boot_pml4, boot_pd
