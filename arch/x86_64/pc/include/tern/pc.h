/* The platform "PC as QEMU presents it": its devices, for the pc and Xen
 * platforms (a PVH guest still has some of them) and for the runtime's
 * own test apps. */
#ifndef TERN_PC_H
#define TERN_PC_H

#include <stdint.h>

struct refclock;

/* Consoles: each returns 0 and registers itself when its device answers. */
int uart16550_init(void);
int debugcon_init(void);
/* Port 0xe9 without the probe: Xen logs it but does not answer reads. */
void debugcon_register_xen(void);
/* Both of the above that Kconfig enables, once. */
void pc_consoles_init(void);

/* The ACPI PM timer when the FADT names one and it runs (pc, q35), else
 * PIT channel 0 as a free-running counter (microvm), else NULL. */
const struct refclock *refclock_find(void);

/* The CMOS RTC, its waits bounded by now_ns: the date in ns since 1970
 * (whole seconds; 0 when absent or nonsense, or mid-update for longer
 * than the bound), and the seconds register (-1 without an RTC). */
uint64_t cmos_rtc_ns(uint64_t (*now_ns)(void));
int cmos_rtc_second(uint64_t (*now_ns)(void));
/* The hours register as 0-23, in the format status register B gives: BCD
 * or binary (bit 2), 24-hour or 12-hour with bit 7 for PM (bit 1 clear);
 * 24 or more for a value no format allows.  Pure. */
unsigned rtc_decode_hour(uint8_t raw, uint8_t status_b);

/* The CMOS RTC's periodic interrupt at 64 Hz, bound with irq_bind (ISA
 * IRQ 8, a vector from the allocator), calling tick(arg) from the handler
 * after acknowledging it.  0, or -1 with why[] (no MADT or I/O APIC, no
 * vector, running already).  Only on machines with a CMOS RTC (not Xen). */
int rtc_periodic_start(void (*tick)(void *arg), void *arg, char *why,
                       unsigned whylen);
void rtc_periodic_stop(void);

/* QEMU's isa-debug-exit: QEMU exits with (status << 1) | 1. */
void pc_debug_exit(int status);

#endif
