/* The IDT: CPU exceptions are reported and shut the VM down; vectors
 * 32-255 go to registered interrupt handlers.  Installed by the first
 * lines of C so nothing after them can triple-fault silently. */
#include <stdbool.h>
#include <stdint.h>
#include <tern/arch.h>
#include <tern/console.h>
#include <tern/exit.h>
#include <tern/io.h>
#include <tern/memmap.h>
#include <tern/irq_route.h>
#include <tern/mm.h>

#define NVECTORS 32
#define NIDT 256
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
extern const char irq_stubs[];
extern char boot_stack_bottom[], boot_stack_top[], boot_stack_guard[];
extern char df_stack_guard[], nmi_stack_guard[];
static struct idt_gate idt[NIDT];
static irq_handler_fn handlers[NIDT];
static void *handler_args[NIDT];
static uint64_t vectors_used[4]; /* irq_alloc_vector's */
static uint64_t irqs, spurious;

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

static void set_gate(unsigned v, uint64_t a, uint8_t ist)
{
    idt[v] = (struct idt_gate){(uint16_t)a, GDT_CODE, ist, GATE_INTERRUPT,
                               (uint16_t)(a >> 16), (uint32_t)(a >> 32), 0};
}

void traps_init(void)
{
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) desc = {sizeof(idt) - 1, (uintptr_t)idt};

    for (unsigned v = 0; v < NVECTORS; v++)
        set_gate(v, trap_stubs[v],
                 v == 8 ? IST_DOUBLE_FAULT : v == 2 ? IST_NMI : 0);
    for (unsigned v = NVECTORS; v < NIDT; v++)
        set_gate(v, (uintptr_t)irq_stubs + (v - NVECTORS) * 16, 0);
    __asm__ volatile("lidt %0" : : "m"(desc));
}

/* The running thread's stack, for the overflow report and for walking
 * frame pointers safely; the scheduler keeps it current. */
static uint64_t stack_lo = (uintptr_t)boot_stack_bottom,
                stack_hi = (uintptr_t)boot_stack_top;
static const char *stack_owner = "main";

void trap_set_stack(uint64_t lo, uint64_t hi, const char *owner)
{
    stack_lo = lo;
    stack_hi = hi;
    stack_owner = owner;
}

/* Unmap the guard page under each of the image's own stacks. */
void trap_guard_stacks(void)
{
    paging_set_present((uintptr_t)boot_stack_guard, false);
    paging_set_present((uintptr_t)df_stack_guard, false);
    paging_set_present((uintptr_t)nmi_stack_guard, false);
}

static bool in_page(uint64_t addr, uint64_t page)
{
    return addr - page < PAGE_SIZE;
}

/* Whose stack overflowed, when addr lies in a guard page: the running
 * thread's (the only one that can be pushing), or an interrupt stack's. */
static const char *guard_owner(uint64_t addr)
{
    if (in_page(addr, stack_lo - PAGE_SIZE))
        return stack_owner;
    if (in_page(addr, (uintptr_t)df_stack_guard))
        return "#DF handler";
    if (in_page(addr, (uintptr_t)nmi_stack_guard))
        return "NMI handler";
    return 0;
}

static void mark_vector(unsigned vector, bool used)
{
    if (vector >= IRQ_VECTOR_FIRST && vector <= IRQ_VECTOR_LAST) {
        if (used)
            vectors_used[vector / 64] |= 1ull << (vector % 64);
        else
            vectors_used[vector / 64] &= ~(1ull << (vector % 64));
    }
}

/* A vector registered by hand is taken: irq_alloc_vector never hands it
 * to a driver over the handler already there. */
void irq_register(unsigned vector, irq_handler_fn fn, void *arg)
{
    if (vector >= NVECTORS && vector < NIDT) {
        handlers[vector] = fn;
        handler_args[vector] = arg;
        mark_vector(vector, fn != 0);
    }
}

int irq_alloc_vector(irq_handler_fn fn, void *arg)
{
    int v = vector_pick(vectors_used);

    if (v >= 0)
        irq_register((unsigned)v, fn, arg);
    return v;
}

void irq_free_vector(unsigned vector)
{
    if (vector >= IRQ_VECTOR_FIRST && vector <= IRQ_VECTOR_LAST) {
        ioapic_mask_vector(vector);
        irq_register(vector, 0, 0);
    }
}

uint64_t irq_count(void)
{
    return irqs;
}

uint64_t irq_spurious_count(void)
{
    return spurious;
}

void irq_dispatch(struct trap_frame *f)
{
    unsigned v = (unsigned)f->vector;

    irqs++;
    if (handlers[v])
        handlers[v](v, handler_args[v]);
    else
        spurious++; /* counted, never a crash */
    if (v != SPURIOUS_VECTOR)
        lapic_eoi();
}

void cpu_wait_for_interrupt(void)
{
    __asm__ volatile("sti; hlt; cli" : : : "memory");
}

/* sti holds interrupts off for one more instruction: the nop is the
 * window in which pending ones are taken. */
void cpu_take_pending_interrupts(void)
{
    __asm__ volatile("sti; nop; cli" : : : "memory");
}

static int on_stack(uint64_t p)
{
    return p >= stack_lo && p + 16 <= stack_hi && p % 8 == 0;
}

/* The image's function names, sorted by address (scripts/gen-symbols). */
struct tern_sym {
    uint32_t addr, name; /* the image lies below 4 GiB */
};
extern const struct tern_sym tern_syms[];
extern const uint64_t tern_syms_count;
extern const char tern_sym_names[];

/* " 0x... <function+0x...>", or just the address outside any function. */
static void print_address(uint64_t a)
{
    uint64_t lo = 0, hi = tern_syms_count;

    while (hi - lo > 1) {
        uint64_t mid = (lo + hi) / 2;

        if (tern_syms[mid].addr <= a)
            lo = mid;
        else
            hi = mid;
    }
    if (tern_syms_count && tern_syms[lo].addr <= a &&
        a - tern_syms[lo].addr < 0x10000)
        tern_printf(" 0x%llx <%s+0x%llx>", (unsigned long long)a,
                    tern_sym_names + tern_syms[lo].name,
                    (unsigned long long)(a - tern_syms[lo].addr));
    else
        tern_printf(" 0x%llx", (unsigned long long)a);
}

/* The faulting address, then the frame-pointer chain while it stays on
 * the running thread's stack. */
static void print_backtrace(uint64_t rip, uint64_t rbp)
{
    tern_printf("tern: backtrace:");
    print_address(rip);
    for (int i = 0; i < BACKTRACE_DEPTH && on_stack(rbp); i++) {
        const uint64_t *frame = (const uint64_t *)(uintptr_t)rbp;

        print_address(frame[1]);
        rbp = frame[0];
    }
    tern_printf("\n");
}

#define R(x) (unsigned long long)(x)

static void print_registers(const struct trap_frame *f)
{
    tern_printf("tern: rax %016llx rbx %016llx rcx %016llx rdx %016llx\n",
                R(f->rax), R(f->rbx), R(f->rcx), R(f->rdx));
    tern_printf("tern: rsi %016llx rdi %016llx rbp %016llx rsp %016llx\n",
                R(f->rsi), R(f->rdi), R(f->rbp), R(f->rsp));
    tern_printf("tern: r8  %016llx r9  %016llx r10 %016llx r11 %016llx\n",
                R(f->r8), R(f->r9), R(f->r10), R(f->r11));
    tern_printf("tern: r12 %016llx r13 %016llx r14 %016llx r15 %016llx\n",
                R(f->r12), R(f->r13), R(f->r14), R(f->r15));
    tern_printf("tern: rflags %llx cs %llx ss %llx cr3 %llx\n", R(f->rflags),
                R(f->cs), R(f->ss), R(read_cr3()));
}

/* A fault in a guard page, or a double fault whose #PF could not push its
 * frame one page below one: a stack-clash probe touches a page at its top,
 * so rsp can already be a page past the guard when the probe hits it, and
 * that page (rodata, or another stack's) is read-only or not ours.  The
 * guard page's address in *guard. */
static const char *overflow_owner(const struct trap_frame *f, uint64_t cr2,
                                  uint64_t *guard)
{
    const char *owner = 0;

    *guard = cr2;
    if (f->vector == 14 || f->vector == 8)
        owner = guard_owner(cr2);
    if (!owner && f->vector == 8 && (owner = guard_owner(cr2 + PAGE_SIZE)))
        *guard = cr2 + PAGE_SIZE;
    *guard &= ~(PAGE_SIZE - 1);
    return owner;
}

void trap_handler(struct trap_frame *f)
{
    uint64_t cr2 = read_cr2(), guard;
    const char *overflow = overflow_owner(f, cr2, &guard);

    tern_fatal_enter(TERN_EXIT_FAULT); /* a fault while reporting ends here */
    if (overflow)
        tern_printf("tern: fatal: stack overflow in thread %s (guard page 0x%llx "
                    "touched)\n", overflow, (unsigned long long)guard);
    tern_printf("tern: fatal: CPU exception %llu (#%s), error code 0x%llx, "
                "rip 0x%llx, cr2 0x%llx\n",
                (unsigned long long)f->vector,
                names[f->vector % NVECTORS], (unsigned long long)f->error,
                (unsigned long long)f->rip, (unsigned long long)cr2);
    print_registers(f);
    print_backtrace(f->rip, f->rbp);
    tern_fatal_shutdown(TERN_EXIT_FAULT);
}
