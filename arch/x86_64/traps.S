/* Exception entry stubs: push a dummy error code where the CPU pushes
 * none, then the vector, then every general register, and call
 * trap_handler(struct trap_frame *). */
/* The general registers in struct trap_frame's order (r15 lowest). */
        .macro  SAVE_REGS
        push    %rax
        push    %rbx
        push    %rcx
        push    %rdx
        push    %rsi
        push    %rdi
        push    %rbp
        push    %r8
        push    %r9
        push    %r10
        push    %r11
        push    %r12
        push    %r13
        push    %r14
        push    %r15
        .endm

        .macro  RESTORE_REGS
        pop     %r15
        pop     %r14
        pop     %r13
        pop     %r12
        pop     %r11
        pop     %r10
        pop     %r9
        pop     %r8
        pop     %rbp
        pop     %rdi
        pop     %rsi
        pop     %rdx
        pop     %rcx
        pop     %rbx
        pop     %rax
        .endm

        .macro  STUB n, has_err
        .p2align 4
trap_stub_\n:
        .if \has_err == 0
        pushq   $0
        .endif
        pushq   $\n
        jmp     trap_common
        .endm

        .text
        STUB 0, 0
        STUB 1, 0
        STUB 2, 0
        STUB 3, 0
        STUB 4, 0
        STUB 5, 0
        STUB 6, 0
        STUB 7, 0
        STUB 8, 1
        STUB 9, 0
        STUB 10, 1
        STUB 11, 1
        STUB 12, 1
        STUB 13, 1
        STUB 14, 1
        STUB 15, 0
        STUB 16, 0
        STUB 17, 1
        STUB 18, 0
        STUB 19, 0
        STUB 20, 0
        STUB 21, 1
        STUB 22, 0
        STUB 23, 0
        STUB 24, 0
        STUB 25, 0
        STUB 26, 0
        STUB 27, 0
        STUB 28, 0
        STUB 29, 1
        STUB 30, 1
        STUB 31, 0

trap_common:
        SAVE_REGS
        mov     %rsp, %rdi
        and     $-16, %rsp
        call    trap_handler
1:      cli
        hlt
        jmp     1b

        .section .rodata
        .p2align 3
        .globl  trap_stubs
trap_stubs:
        .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
        .quad   trap_stub_\n
        .endr

/* Interrupt stubs for vectors 32-255, 16 bytes apart: irq_stubs + (v-32)*16. */
        .text
        .p2align 4
        .globl  irq_stubs
irq_stubs:
        .set    vec, 32
        .rept   224
        .p2align 4
        pushq   $0
        pushq   $vec
        jmp     irq_common
        .set    vec, vec + 1
        .endr

irq_common:
        SAVE_REGS
        mov     %rsp, %rdi
        mov     %rsp, %rbx
        and     $-16, %rsp
        call    irq_dispatch
        mov     %rbx, %rsp
        RESTORE_REGS
        add     $16, %rsp
        iretq
