/*
 * context_switch(uint64_t *save_rsp, uint64_t next_rsp): save the callee-
 * saved registers, the x87 control word and MXCSR (callee-saved by the
 * SysV ABI) on this stack, store rsp, switch, restore the same from the
 * next thread's stack and return into it.  A new thread's stack is laid
 * out by thread.c to "return" into thread_entry.
 */
        .text
        .globl  context_switch
context_switch:
        push    %rbp
        push    %rbx
        push    %r12
        push    %r13
        push    %r14
        push    %r15
        sub     $16, %rsp
        fnstcw  (%rsp)
        stmxcsr 8(%rsp)
        mov     %rsp, (%rdi)
        mov     %rsi, %rsp
        fldcw   (%rsp)
        ldmxcsr 8(%rsp)
        add     $16, %rsp
        pop     %r15
        pop     %r14
        pop     %r13
        pop     %r12
        pop     %rbx
        pop     %rbp
        ret

/* First run of a thread: r12 holds its struct thread. */
        .globl  thread_entry
thread_entry:
        mov     %r12, %rdi
        xor     %ebp, %ebp              /* ends the backtrace chain */
        call    thread_start
        ud2
