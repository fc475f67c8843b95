/* A minimal IDT for CPU exceptions: report and shut down.  Installed by
 * the first line of C so nothing after it can triple-fault silently. */
#include <stdint.h>
#include <tern/arch.h>
#include <tern/console.h>
#include <tern/exit.h>
#include <tern/io.h>

#define NVECTORS 32
#define KERNEL_CS 0x08
#define GATE_INTERRUPT 0x8e
#define BACKTRACE_DEPTH 8

struct trap_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error;
    uint64_t rip, cs, rflags, rsp, ss;
};

struct idt_gate {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t ist;
    uint8_t type;
    uint16_t offset_mid;
    uint32_t offset_high;
    uint32_t zero;
} __attribute__((packed));

extern const uint64_t trap_stubs[NVECTORS];
extern char boot_stack_bottom[], boot_stack_top[];
static struct idt_gate idt[NVECTORS];
static int in_trap;

static const char *const names[NVECTORS] = {
    "DE divide error", "DB debug", "NMI", "BP breakpoint", "OF overflow",
    "BR bound range", "UD invalid opcode", "NM no FPU", "DF double fault",
    "coprocessor overrun", "TS invalid TSS", "NP segment not present",
    "SS stack fault", "GP general protection", "PF page fault", "15",
    "MF x87 error", "AC alignment check", "MC machine check",
    "XM SIMD error", "VE virtualisation", "CP control protection", "22",
    "23", "24", "25", "26", "27", "HV injection", "VC VMM communication",
    "SX security", "31",
};

void traps_init(void)
{
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) desc = {sizeof(idt) - 1, (uintptr_t)idt};

    for (int v = 0; v < NVECTORS; v++) {
        uint64_t a = trap_stubs[v];

        idt[v] = (struct idt_gate){(uint16_t)a, KERNEL_CS, 0, GATE_INTERRUPT,
                                   (uint16_t)(a >> 16), (uint32_t)(a >> 32),
                                   0};
    }
    __asm__ volatile("lidt %0" : : "m"(desc));
}

static int on_boot_stack(uint64_t p)
{
    return p >= (uintptr_t)boot_stack_bottom &&
           p + 16 <= (uintptr_t)boot_stack_top && p % 8 == 0;
}

/* Follow the frame-pointer chain while it stays on the stack. */
static void print_backtrace(uint64_t rbp)
{
    tern_printf("tern: backtrace:");
    for (int i = 0; i < BACKTRACE_DEPTH && on_boot_stack(rbp); i++) {
        const uint64_t *frame = (const uint64_t *)(uintptr_t)rbp;

        tern_printf(" 0x%llx", (unsigned long long)frame[1]);
        rbp = frame[0];
    }
    tern_printf("\n");
}

void trap_handler(struct trap_frame *f)
{
    if (in_trap++)
        tern_fatal_shutdown(TERN_EXIT_FAULT); /* faulted while reporting */
    tern_printf("tern: fatal: CPU exception %llu (#%s), error code 0x%llx, "
                "rip 0x%llx, cr2 0x%llx\n",
                (unsigned long long)f->vector,
                names[f->vector % NVECTORS], (unsigned long long)f->error,
                (unsigned long long)f->rip, (unsigned long long)read_cr2());
    tern_printf("tern: rsp 0x%llx rbp 0x%llx rflags 0x%llx rax 0x%llx "
                "rdi 0x%llx rsi 0x%llx\n",
                (unsigned long long)f->rsp, (unsigned long long)f->rbp,
                (unsigned long long)f->rflags, (unsigned long long)f->rax,
                (unsigned long long)f->rdi, (unsigned long long)f->rsi);
    tern_printf("tern: backtrace: 0x%llx (fault)\n",
                (unsigned long long)f->rip);
    print_backtrace(f->rbp);
    tern_fatal_shutdown(TERN_EXIT_FAULT);
}
