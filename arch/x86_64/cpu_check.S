/*
 * cpu_check: called by pvh_start in 32-bit mode, before the first
 * instruction that not every x86 CPU has.  Returns if this CPU has all
 * Tern needs; otherwise prints one line naming what is missing on COM1
 * and debugcon, writes TERN_EXIT_CPU_UNSUPPORTED to the isa-debug-exit
 * port and halts.  Without it a CPU lacking long mode triple-faults with
 * no word (QEMU -cpu pentium3 exits 0, silent).
 *
 * What Tern needs, and why (flag names as in /proc/cpuinfo and QEMU -cpu):
 *   cpuid           to ask the rest
 *   lm              long mode, and the extended leaf 0x80000001 to say so;
 *                   2 MiB pages come with it (PAE paging always has them)
 *   pae             CR4.PAE, required to enter long mode
 *   msr             rdmsr/wrmsr: EFER.LME here, the local APIC later
 *   tsc             rdtsc: entry timestamp and the monotonic clock
 *   fpu fxsr sse    fninit, CR4.OSFXSR, stmxcsr/ldmxcsr in context switches
 *   sse2            the C library and apps are built for the x86-64 baseline
 *   cmov            likewise: gcc emits cmov for any x86-64 code
 *   apic            the local APIC timer drives the scheduler everywhere
 * A VMM can mask any of these even on a long-mode CPU (-cpu qemu64,-sse2).
 * The one instruction that runs before this check is the entry's rdtsc:
 * the entry timestamp must be the first thing taken, and every machine
 * that can make a PVH entry executes it (hypervisors run on CPUs with a
 * TSC; QEMU's TCG executes rdtsc even for -cpu 486, whose CPUID has none).
 *
 * Needs only a few bytes of stack (the entry's capture stack) and no
 * memory past the image.  Clobbers every general register but %esp.
 */
#include <tern/config.h>
#include <tern/exit.h>

#define EFLAGS_ID   (1 << 21)
#define COM1        0x3f8
#define DEBUGCON    0xe9
#define LSR_THRE    0x20
#define TX_SPINS    100000      /* per byte: an absent or wedged UART */
#define STR(x)      #x
#define XSTR(x)     STR(x)

/* Words of the "missing" table: one bit per needed feature. */
#define W_BASIC     0   /* the CPUID instruction itself */
#define W_LEAF1     4   /* CPUID 1, EDX */
#define W_EXT1      8   /* CPUID 0x80000001, EDX */

#define F1_FPU      (1 << 0)
#define F1_TSC      (1 << 4)
#define F1_MSR      (1 << 5)
#define F1_PAE      (1 << 6)
#define F1_APIC     (1 << 9)
#define F1_CMOV     (1 << 15)
#define F1_FXSR     (1 << 24)
#define F1_SSE      (1 << 25)
#define F1_SSE2     (1 << 26)
#define F1_NEEDED   (F1_FPU | F1_TSC | F1_MSR | F1_PAE | F1_APIC | F1_CMOV | \
                     F1_FXSR | F1_SSE | F1_SSE2)
#define FX_LM       (1 << 29)
#define FX_NEEDED   FX_LM

        .text
        .code32
        .globl  cpu_check
cpu_check:
        /* CPUID exists when EFLAGS.ID can be flipped. */
        pushfl
        popl    %eax
        mov     %eax, %ecx
        xor     $EFLAGS_ID, %eax
        pushl   %eax
        popfl
        pushfl
        popl    %eax
        pushl   %ecx
        popfl                           /* the loader's flags back */
        xor     %ecx, %eax
        test    $EFLAGS_ID, %eax
        jz      no_cpuid

        xor     %eax, %eax
        cpuid
        xor     %esi, %esi              /* leaf 1 EDX, 0 if absent */
        test    %eax, %eax
        jz      1f
        mov     $1, %eax
        cpuid
        mov     %edx, %esi
1:      mov     $0x80000000, %eax
        cpuid
        xor     %edi, %edi              /* leaf 0x80000001 EDX, 0 if absent */
        cmp     $0x80000001, %eax       /* unsigned: no extended leaves */
        jb      2f                      /* answers below 0x80000000 */
        cmp     $0x8000ffff, %eax       /* garbage, not a maximum */
        ja      2f
        mov     $0x80000001, %eax
        cpuid
        mov     %edx, %edi
2:      not     %esi
        and     $F1_NEEDED, %esi
        not     %edi
        and     $FX_NEEDED, %edi
        mov     %esi, %eax
        or      %edi, %eax
        jnz     unsupported
        ret

no_cpuid:
        mov     $1, %eax
        xor     %esi, %esi
        xor     %edi, %edi
        jmp     report

unsupported:
        xor     %eax, %eax
report:
        mov     %eax, cpu_missing + W_BASIC
        mov     %esi, cpu_missing + W_LEAF1
        mov     %edi, cpu_missing + W_EXT1
        call    uart_init
        mov     $msg_head, %esi
        call    puts
        /* Each missing feature, by name. */
        mov     $features, %ebx
3:      movsbl  (%ebx), %ecx            /* word */
        test    %ecx, %ecx
        js      4f
        mov     1(%ebx), %eax           /* mask */
        lea     5(%ebx), %esi           /* name */
        test    %eax, cpu_missing(%ecx)
        jz      5f
        mov     $' ', %al
        call    putc
        call    puts
5:      lea     5(%ebx), %ebx           /* past the name and its NUL */
6:      cmpb    $0, (%ebx)
        lea     1(%ebx), %ebx
        jne     6b
        jmp     3b
4:      mov     $msg_tail, %esi
        call    puts
        mov     $TERN_EXIT_CPU_UNSUPPORTED, %eax
        mov     $CONFIG_DEBUG_EXIT_PORT, %edx
        outl    %eax, %dx
7:      cli
        hlt
        jmp     7b

/*
 * image_check: called by pvh_start after cpu_check.  The loader filled
 * the image, but a firmware may have used part of its memory since:
 * SeaBIOS's temporary zone at the top of a tiny RAM (-m 1536K on pc and
 * q35) covers the image's top, and Tern then ran on garbage.  A known
 * word at the end of .rodata and at both ends of .data (linker.ld) must
 * still hold; otherwise one line, the status to isa-debug-exit, halt.
 */
#define CANARY_LO 0x44415441    /* "TERNDATA" as a little-endian quad */
#define CANARY_HI 0x5445524e
        .globl  image_check
image_check:
        mov     $_rodata_canary, %eax
        call    canary_ok
        mov     $_data_head_canary, %eax
        call    canary_ok
        mov     $_data_tail_canary, %eax
        call    canary_ok
        mov     $boot_stack_top - 8, %eax /* the stack C starts on */
        call    writable
        mov     $_image_end - 8, %eax   /* .bss's top, page tables below */
        call    writable
        ret

/* Returns if the quad at %eax keeps what is written there: RAM, not a
 * zone the firmware still holds.  On q35 with -m 1280K or 1408K SeaBIOS's
 * SMRAM at the top of RAM covered the image's top: the page tables built
 * there read back as junk, a silent triple fault.  The firmware's zones
 * sit at RAM's top, so the image's last quad stands for all of it. */
writable:
        movl    $CANARY_LO, (%eax)
        movl    $CANARY_HI, 4(%eax)
        call    canary_ok
        notl    (%eax)
        cmpl    $~CANARY_LO, (%eax)
        jne     overwritten
        ret

/* Returns if the quad at %eax is the canary; never otherwise. */
canary_ok:
        cmpl    $CANARY_LO, (%eax)
        jne     overwritten
        cmpl    $CANARY_HI, 4(%eax)
        jne     overwritten
        ret

overwritten:
        call    uart_init
        mov     $msg_overwritten, %esi
        call    puts
        mov     $TERN_EXIT_NO_RAM_STATUS, %eax
        mov     $CONFIG_DEBUG_EXIT_PORT, %edx
        outl    %eax, %dx
1:      cli
        hlt
        jmp     1b

/* 16550 at COM1, 115200 8N1, as lib/console/uart16550.c sets it.  Harmless
 * where there is none: the writes go nowhere and every wait is bounded. */
uart_init:
        mov     $COM1 + 1, %dx
        xor     %al, %al
        out     %al, %dx                /* IER: no interrupts */
        mov     $COM1 + 3, %dx
        mov     $0x80, %al
        out     %al, %dx                /* LCR: divisor latch */
        mov     $COM1, %dx
        mov     $1, %al
        out     %al, %dx
        inc     %dx
        xor     %al, %al
        out     %al, %dx
        mov     $COM1 + 3, %dx
        mov     $0x03, %al
        out     %al, %dx                /* LCR: 8N1 */
        dec     %dx
        mov     $0xc7, %al
        out     %al, %dx                /* FCR: FIFOs on and cleared */
        mov     $COM1 + 4, %dx
        mov     $0x03, %al
        out     %al, %dx                /* MCR: DTR, RTS */
        ret

/* The NUL-terminated string at %esi to both consoles.  Clobbers eax, ecx,
 * edx, esi. */
puts:
        lodsb
        test    %al, %al
        jz      1f
        cmp     $'\n', %al
        jne     2f
        mov     $'\r', %al
        call    putc
        mov     $'\n', %al
2:      call    putc
        jmp     puts
1:      ret

/* %al to debugcon, then to COM1 once its transmitter is free (or after
 * TX_SPINS reads of a UART that never frees).  Clobbers ecx, edx. */
putc:
        out     %al, $DEBUGCON
        mov     %eax, %ecx
        mov     $COM1 + 5, %dx
        push    %ecx
        mov     $TX_SPINS, %ecx
1:      in      %dx, %al
        test    $LSR_THRE, %al
        jnz     2f
        pause
        loop    1b
2:      pop     %eax
        mov     $COM1, %dx
        out     %al, %dx
        ret

        /* With the entry's text, the image's first pages: .rodata may be
         * what was overwritten. */
        .section .text.entry.rodata, "a"
msg_overwritten:
        .ascii  "tern: fatal: the image was overwritten after loading (the "
        .ascii  "firmware used its memory; give the VM more RAM)\n"
        .ascii  "tern: stopping with status "
        .ascii  XSTR(TERN_EXIT_NO_RAM_STATUS)
        .asciz  "\n"

        .section .rodata
msg_head:
        .asciz  "tern: fatal: CPU unsupported: missing"
msg_tail:
        .ascii  " (Tern needs an x86-64 CPU with cpuid lm pae msr tsc fpu "
        .ascii  "fxsr sse sse2 cmov apic)\ntern: stopping with status "
        .ascii  XSTR(TERN_EXIT_CPU_UNSUPPORTED)
        .asciz  "\n"
/* { word, mask, name }, ended by a word of -1. */
        .macro  FEATURE word, mask, name
        .byte   \word
        .long   \mask
        .asciz  "\name"
        .endm
features:
        FEATURE W_BASIC, 1, cpuid
        FEATURE W_EXT1, FX_LM, lm
        FEATURE W_LEAF1, F1_PAE, pae
        FEATURE W_LEAF1, F1_MSR, msr
        FEATURE W_LEAF1, F1_TSC, tsc
        FEATURE W_LEAF1, F1_FPU, fpu
        FEATURE W_LEAF1, F1_FXSR, fxsr
        FEATURE W_LEAF1, F1_SSE, sse
        FEATURE W_LEAF1, F1_SSE2, sse2
        FEATURE W_LEAF1, F1_CMOV, cmov
        FEATURE W_LEAF1, F1_APIC, apic
        .byte   -1

        .data
        .p2align 2
cpu_missing:
        .long   0, 0, 0
