/* ACPI, as far as powering off: RSDP, RSDT/XSDT, FADT and \_S5 from the
 * DSDT.  Every table is checked (signature, length, checksum) before use:
 * firmware and hypervisors have shipped garbage (Xen 4.17's PVH dom0 XSDT). */
#ifndef TERN_ACPI_H
#define TERN_ACPI_H

#include <stdbool.h>
#include <stdint.h>
#include <tern/memmap.h>
#include <tern/phys.h>

enum acpi_sleep_reg_space { ACPI_SPACE_MEMORY = 0, ACPI_SPACE_IO = 1 };

struct acpi_poweroff {
    uint64_t rsdp;
    bool used_xsdt;
    bool hw_reduced;         /* use the sleep control register */
    uint8_t sleep_space;     /* ACPI_SPACE_* of sleep_addr */
    uint64_t sleep_addr;
    uint16_t pm1a_cnt;       /* I/O ports; 0 = absent */
    uint16_t pm1b_cnt;
    uint8_t slp_typ_a;       /* \_S5 package values */
    uint8_t slp_typ_b;
};

/* The RSDP address the loader gave (0: search), kept for later lookups. */
void acpi_set_rsdp_hint(uint64_t rsdp_paddr);
uint64_t acpi_rsdp_hint(void);
/* [4 KiB, 4 GiB): the identity map as it stands once page 0 is unmapped. */
extern const struct phys_window acpi_window;

/* Find how to power off.  rsdp_hint 0 means search the EBDA and the BIOS
 * area.  Returns 0, or -1 with why[] saying what was missing or bad. */
int acpi_find_poweroff(const struct phys_window *w, uint64_t rsdp_hint,
                       struct acpi_poweroff *out, char *why, unsigned whylen);

/* A valid RSDP at addr: signature, checksum, and for revision 2 and up
 * the extended checksum.  *revision gets its revision byte. */
bool acpi_rsdp_valid(const struct phys_window *w, uint64_t addr,
                     unsigned *revision);

/* The RSDT and (revision 2 and up) XSDT the RSDP names are valid tables.
 * 0 with why[] listing them, or -1 with why[] naming the bad one. */
int acpi_check_root_tables(const struct phys_window *w, uint64_t rsdp,
                           char *why, unsigned whylen);

/* Interrupt routing from the MADT ("APIC" table): the first I/O APIC,
 * and where each ISA IRQ (0-15) arrives, as the interrupt source
 * overrides say (identity, edge, active high otherwise). */
#define ACPI_MAX_IOAPICS 8
struct acpi_irq_routing {
    struct {
        uint64_t addr;
        uint32_t gsi_base;
    } ioapic[ACPI_MAX_IOAPICS]; /* in the MADT's order */
    unsigned nioapics;          /* beyond ACPI_MAX_IOAPICS: not counted */
    struct {
        uint32_t gsi;
        bool active_low;
        bool level;
    } isa[16];
};
int acpi_find_irq_routing(const struct phys_window *w, uint64_t rsdp_hint,
                          struct acpi_irq_routing *out, char *why,
                          unsigned whylen);

/* A register of width bytes at this I/O port is one ACPI may name: inside
 * the 64 KiB port space, not 0, clear of the fixed legacy devices.
 * 0, or -1 with why[] saying what is wrong. */
int acpi_port_check(uint64_t port, unsigned width, char *why,
                    unsigned whylen);

/* An MMIO register [addr, addr + len) that overlaps none of ram[] (the
 * kernel passes usable RAM and its own image).  0, or -1 with why[]. */
int acpi_mmio_check(uint64_t addr, uint64_t len, const struct mem_range *ram,
                    unsigned n, char *why, unsigned whylen);

/* The kernel's use of acpi_mmio_check: against usable RAM and the image. */
int acpi_mmio_safe(uint64_t addr, uint64_t len, char *why, unsigned whylen);

/* PCI Express ECAM from the MCFG table (PCI Firmware 3.2, 4.1.2): the
 * first entry for segment 0.  base is bus 0's address even when bus_first
 * is above 0.  0, or -1 with why[] (no MCFG, no segment-0 entry, a base
 * not 1 MiB-aligned, a bus range reversed or past the address space). */
struct acpi_mcfg {
    uint64_t base;
    uint8_t bus_first, bus_last;
};
int acpi_find_mcfg(const struct phys_window *w, uint64_t rsdp_hint,
                   struct acpi_mcfg *out, char *why, unsigned whylen);

/* One register write of the S5 sequence. */
struct acpi_reg_write {
    uint64_t addr;  /* port or physical address */
    uint8_t space;  /* ACPI_SPACE_* */
    uint8_t width;  /* bytes: 1 or 2 */
    uint16_t value;
};
#define ACPI_S5_MAX_WRITES 4

/* The writes that enter S5, in order.  pm1_now is the PM1 control value
 * read back (PM1a OR PM1b, as ACPICA reads it); its other bits are kept. */
unsigned acpi_s5_writes(const struct acpi_poweroff *p, uint16_t pm1_now,
                        struct acpi_reg_write out[ACPI_S5_MAX_WRITES]);

/* The ACPI PM timer (3.579545 MHz, free-running): its I/O port from the
 * FADT's X_PM_TMR_BLK (when in I/O space) or PM_TMR_BLK, and its width,
 * 24 or 32 bits (TMR_VAL_EXT).  Fields past the FADT's length are not
 * read.  0, or -1 with why[] set (no FADT, no timer, not in I/O space). */
#define ACPI_PM_TIMER_HZ 3579545u
int acpi_find_pm_timer(const struct phys_window *w, uint64_t rsdp_hint,
                       uint16_t *port, unsigned *bits, char *why,
                       unsigned whylen);

/* The RSDP to use: rsdp_hint when it holds a valid one, else the spec's
 * search; 0 when there is none. */
uint64_t acpi_find_rsdp(const struct phys_window *w, uint64_t rsdp_hint);

/* The pages the firmware's ACPI tables under the RSDP at rsdp occupy
 * (RSDP, RSDT, XSDT, the tables they list, FACS, DSDT), merged into at
 * most cap ranges: their number, or -1 when they did not fit in cap. */
int acpi_table_extents(const struct phys_window *w, uint64_t rsdp,
                       struct mem_range *out, unsigned cap);

/* The DSDT the FADT names (X_DSDT when set): signature, length and
 * checksum checked.  0, or -1 with why[] set. */
int acpi_find_dsdt(const struct phys_window *w, uint64_t rsdp_hint,
                   uint64_t *addr, uint32_t *len, char *why, unsigned whylen);

/* Hardware side: enter S5 as *p says.  Returns only if it did not work. */
void acpi_enter_s5(const struct acpi_poweroff *p);

#endif
