/*
 * The local APIC: x2APIC through MSRs where the CPU has it, else xAPIC
 * through its MMIO page; LINT0 and the legacy PIC masked; a one-shot
 * timer, in TSC-deadline mode where the CPU offers it, else counting down
 * at a rate measured against the monotonic clock.
 */
#include <tern/arch.h>
#include <tern/format.h>
#include <tern/io.h>
#include <tern/log.h>
#include <tern/mm.h>
#include <tern/time.h>

#define MSR_APIC_BASE 0x1b
#define APIC_BASE_ENABLE (1u << 11)
#define APIC_BASE_X2APIC (1u << 10)
#define MSR_TSC_DEADLINE 0x6e0
#define REG_EOI 0xb0
#define REG_SVR 0xf0
#define REG_LVT_TIMER 0x320
#define REG_LVT_LINT0 0x350
#define REG_TIMER_INIT 0x380
#define REG_TIMER_CUR 0x390
#define REG_TIMER_DIV 0x3e0
#define SVR_ENABLE (1u << 8)
#define LVT_MASKED (1u << 16)
#define LVT_TSC_DEADLINE (2u << 17)
#define CALIBRATE_NS 1000000ull
#define CALIBRATE_TRIES 4

static int x2apic, tsc_deadline;
static volatile uint32_t *mmio;
static uint64_t ticks_per_ms; /* count-down mode */
static char description[64];

static uint32_t apic_read(uint32_t reg)
{
    return x2apic ? (uint32_t)rdmsr(0x800 + reg / 16) : mmio[reg / 4];
}

static void apic_write(uint32_t reg, uint32_t v)
{
    if (x2apic)
        wrmsr(0x800 + reg / 16, v);
    else
        mmio[reg / 4] = v;
}

void lapic_eoi(void)
{
    apic_write(REG_EOI, 0);
}

/* Firmware leaves LINT0 in ExtINT mode ("virtual wire"): the 8259s'
 * interrupts come in through it, at the 8259s' vectors.  Tern routes
 * every device through the I/O APIC, so LINT0 is masked.  LINT1 (NMI)
 * stays as firmware left it. */
static void mask_lint0(void)
{
    apic_write(REG_LVT_LINT0, LVT_MASKED);
}

static void spurious(unsigned vector, void *arg)
{
    (void)vector;
    (void)arg; /* counted by the dispatcher; no EOI for this one */
}

void lapic_init(void)
{
    uint32_t a, b, c, d;
    uint64_t base;

    cpuid(1, &a, &b, &c, &d);
    /* The 8259s first, while LINT0 still listens: SeaBIOS leaves the
     * timer's IRQ 0 unmasked, and QEMU withdraws the ExtINT request it
     * raised only when the 8259's output drops with LINT0 unmasked.
     * Masking LINT0 first left the request standing, and the next sti
     * took an interrupt with no vector (#GP), in 7 boots of 10 on pc. */
    pic_remap_and_mask();
    x2apic = (c >> 21) & 1;
    tsc_deadline = (c >> 24) & 1;
    base = rdmsr(MSR_APIC_BASE);
    base |= APIC_BASE_ENABLE | (x2apic ? APIC_BASE_X2APIC : 0);
    wrmsr(MSR_APIC_BASE, base);
    mmio = (volatile uint32_t *)(uintptr_t)(base & ~0xfffull & 0xffffffffull);
    if (!x2apic)
        paging_uncache((uintptr_t)mmio);
    apic_write(REG_SVR, SVR_ENABLE | SPURIOUS_VECTOR);
    mask_lint0();
    apic_write(REG_TIMER_DIV, 0x3); /* divide by 16 */
    apic_write(REG_LVT_TIMER, LVT_MASKED | TIMER_VECTOR);
    irq_register(SPURIOUS_VECTOR, spurious, 0);
    tern_snprintf(description, sizeof(description), "%s, timer %s",
                  x2apic ? "x2APIC" : "xAPIC",
                  tsc_deadline ? "TSC-deadline" : "one-shot count");
}

/* The current count read between two monotonic-clock reads: *at is the
 * midpoint, the return value the bracket's width. */
static uint64_t count_at(uint32_t *count, uint64_t *at)
{
    uint64_t before = clock_monotonic_ns(), after;

    *count = apic_read(REG_TIMER_CUR);
    after = clock_monotonic_ns();
    *at = before + (after - before) / 2;
    return after - before;
}

/* Count-down rate over CALIBRATE_NS of the monotonic clock, the attempt
 * with the narrowest brackets of CALIBRATE_TRIES.  On a busy host the
 * vCPU is preempted often: a preemption between a clock read and the
 * count read widens that bracket (and once gave a rate 9 times too high,
 * so that every sleep took 9 times too long); anywhere else it costs
 * nothing, as the timer and the clock both keep running. */
static void calibrate(void)
{
    uint64_t best = UINT64_MAX;

    apic_write(REG_LVT_TIMER, LVT_MASKED | TIMER_VECTOR);
    for (int i = 0; i < CALIBRATE_TRIES; i++) {
        uint32_t c0, c1;
        uint64_t t0, t1, width;

        apic_write(REG_TIMER_INIT, 0xffffffffu);
        width = count_at(&c0, &t0);
        while (clock_monotonic_ns() - t0 < CALIBRATE_NS)
            cpu_pause();
        width += count_at(&c1, &t1);
        if (width < best && t1 > t0) {
            best = width;
            ticks_per_ms = (uint64_t)(c0 - c1) * 1000000ull / (t1 - t0);
        }
    }
    apic_write(REG_TIMER_INIT, 0);
    if (ticks_per_ms == 0) {
        pr_warn("lapic: timer did not count; assuming 1 tick per us");
        ticks_per_ms = 1000;
    }
}

void lapic_timer_arm(uint64_t deadline_ns)
{
    uint64_t now = clock_monotonic_ns();
    uint64_t delta = deadline_ns > now ? deadline_ns - now : 0;
    uint64_t ticks;

    if (tsc_deadline) {
        apic_write(REG_LVT_TIMER, LVT_TSC_DEADLINE | TIMER_VECTOR);
        /* SDM 10.5.4.1: in xAPIC mode the MMIO write that selects
         * TSC-deadline mode and the WRMSR of the deadline are not ordered
         * (the WRMSR may land first and be ignored); MFENCE orders them.
         * x2APIC's LVT write is itself a WRMSR, ordered with the next. */
        if (!x2apic)
            __asm__ volatile("mfence" : : : "memory");
        wrmsr(MSR_TSC_DEADLINE, rdtsc() + clock_ns_to_tsc(delta) + 1);
        return;
    }
    if (!ticks_per_ms)
        calibrate();
    ticks = delta / 1000000ull * ticks_per_ms +
            delta % 1000000ull * ticks_per_ms / 1000000ull;
    apic_write(REG_LVT_TIMER, TIMER_VECTOR);
    apic_write(REG_TIMER_INIT, ticks == 0 ? 1
                               : ticks > 0xffffffffull ? 0xffffffffu
                                                      : (uint32_t)ticks);
}

const char *lapic_describe(void)
{
    return description;
}

uint32_t lapic_id(void)
{
    uint32_t id = apic_read(0x20);

    return x2apic ? id : id >> 24;
}
