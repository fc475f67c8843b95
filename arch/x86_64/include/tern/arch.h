/* What arch/ offers the rest of the runtime. */
#ifndef TERN_ARCH_H
#define TERN_ARCH_H

#include <stdbool.h>
#include <stdint.h>

#define GDT_CODE 0x08
#define GDT_DATA 0x10
#define GDT_TSS 0x18
#define IST_DOUBLE_FAULT 1
#define IST_NMI 2

/* Tern's GDT and TSS (IST stacks for #DF and NMI). */
void gdt_init(void);
void traps_init(void);

/* Unmap the guard pages of the image's stacks (main, #DF, NMI). */
void trap_guard_stacks(void);
/* The running thread's stack [lo, hi) and name: a fault in the page below
 * lo is reported as that thread's stack overflow. */
void trap_set_stack(uint64_t lo, uint64_t hi, const char *owner);

/* Interrupts: handlers run with interrupts off, then the vector is
 * acknowledged.  The runtime enables interrupts only in schedule():
 * at each yield point and while idle. */
typedef void (*irq_handler_fn)(unsigned vector, void *arg);
/* fn(vector, arg) for a fixed vector (the documented few below); a
 * vector of irq_alloc_vector's range registered so is taken (NULL frees
 * it). */
void irq_register(unsigned vector, irq_handler_fn fn, void *arg);
/* A free vector (0x30-0xdf) bound to fn(vector, arg): what drivers use.
 * -1 when every one is taken. */
int irq_alloc_vector(irq_handler_fn fn, void *arg);
void irq_free_vector(unsigned vector);
/* Interrupts the CPU took, and those with no handler. */
uint64_t irq_count(void);
uint64_t irq_spurious_count(void);
/* Halt until an interrupt: sti;hlt (atomic), then cli. */
void cpu_wait_for_interrupt(void);
/* Take the interrupts already pending, without waiting: sti; nop; cli. */
void cpu_take_pending_interrupts(void);

/* Local APIC: legacy PIC and LINT0 masked, xAPIC or
 * x2APIC, a one-shot timer (TSC-deadline where the CPU has it).
 * Vectors: 0x20 timer, 0x21-0x2f free for an app's own fixed routing,
 * 0x30-0xdf handed out by irq_alloc_vector, 0xe0-0xef the 8259s (never unmasked; a spurious
 * IRQ 7/15 lands at 0xe7/0xef and is counted), 0xf3 Xen's upcall
 * (lib/xen), 0xff the local APIC's spurious vector. */
#define TIMER_VECTOR 0x20
#define PIC_VECTOR_BASE 0xe0
#define SPURIOUS_VECTOR 0xff
/* The 8259s moved to PIC_VECTOR_BASE and masked (arch/x86_64/pic.c). */
void pic_remap_and_mask(void);
void lapic_init(void);
void lapic_eoi(void);
/* Interrupt at (or shortly after) this monotonic time. */
void lapic_timer_arm(uint64_t deadline_ns);
const char *lapic_describe(void);
uint32_t lapic_id(void);

/* Route GSI gsi (any I/O APIC the MADT lists, GSIs 16 and up included)
 * to vector on this CPU.  0, or -1 with why[] set (no MADT, no I/O APIC
 * serving that GSI, a vector out of range). */
int irq_route_gsi(uint32_t gsi, unsigned vector, bool level, bool active_low,
                  char *why, unsigned whylen);
/* An ISA interrupt (0-15), through the MADT's overrides, to vector with
 * fn(vector, arg) as its handler. */
int irq_route_isa(unsigned isa_irq, unsigned vector, irq_handler_fn fn,
                  void *arg, char *why, unsigned whylen);
/* An ISA interrupt's GSI, trigger and polarity after the MADT's
 * overrides: 0, or -1 with why[] set. */
int irq_isa_source(unsigned isa_irq, uint32_t *gsi, bool *level,
                   bool *active_low, char *why, unsigned whylen);
/* The I/O APICs in use: count, and each one's registers and GSIs. */
unsigned ioapic_count(void);
int ioapic_info(unsigned i, uint64_t *addr, uint32_t *gsi_base,
                uint32_t *pins);
/* The redirection entry now programmed for gsi (0 when none serves it). */
uint64_t ioapic_read_rte(uint32_t gsi);
/* Mask every I/O APIC pin routed to vector (irq_free_vector does). */
void ioapic_mask_vector(unsigned vector);
/* Physical ranges that hold the interrupt controllers' registers on
 * every x86 platform (I/O APICs at 0xfec00000, HPET, local APIC at
 * 0xfee00000): never usable RAM, whatever a memory map says. */
struct mem_range;
const struct mem_range *arch_never_ram(unsigned *n);

/* "Xen", "KVM", "QEMU TCG", "none", or the raw CPUID signature. */
const char *cpu_hypervisor_name(void);

#endif
