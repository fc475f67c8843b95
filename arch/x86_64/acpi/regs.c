/*
 * Where and what Tern writes to enter S5, as pure logic: whether an
 * address the firmware named is a sane place to write, and the sequence
 * of register writes.  The tables are outside our trust; a sleep register
 * or I/O APIC "at" RAM would have us scribble over our own memory.
 */
#include <tern/acpi.h>
#include <tern/format.h>

#define PM1_SLP_TYP_SHIFT 10
#define PM1_SLP_TYP (7u << PM1_SLP_TYP_SHIFT)
#define PM1_SLP_EN (1u << 13)
#define SLEEP_CTL_TYP_SHIFT 2 /* hardware-reduced sleep control register */
#define SLEEP_CTL_EN (1u << 5)

/* Ports no ACPI register may alias: the PC's fixed motherboard devices
 * (DMA, PIC, PIT, keyboard controller, CMOS) and PCI configuration. */
static const struct mem_range bad_ports[] = {
    {0, 0x100},
    {0xcf8, 0xd00},
};

int acpi_port_check(uint64_t port, unsigned width, char *why,
                    unsigned whylen)
{
    if (port == 0 || port + width > 0x10000) {
        tern_snprintf(why, whylen, "port 0x%llx is not an I/O port",
                      (unsigned long long)port);
        return -1;
    }
    for (unsigned i = 0; i < sizeof(bad_ports) / sizeof(bad_ports[0]); i++)
        if (ranges_overlap(port, width, bad_ports[i].start,
                           bad_ports[i].end - bad_ports[i].start)) {
            tern_snprintf(why, whylen,
                          "port 0x%llx belongs to a legacy device",
                          (unsigned long long)port);
            return -1;
        }
    return 0;
}

int acpi_mmio_check(uint64_t addr, uint64_t len, const struct mem_range *ram,
                    unsigned n, char *why, unsigned whylen)
{
    if (addr == 0 || addr + len < addr) {
        tern_snprintf(why, whylen, "MMIO address 0x%llx is not usable",
                      (unsigned long long)addr);
        return -1;
    }
    for (unsigned i = 0; i < n; i++)
        if (ranges_overlap(addr, len, ram[i].start,
                           ram[i].end - ram[i].start)) {
            tern_snprintf(why, whylen,
                          "MMIO address 0x%llx lies in RAM 0x%llx-0x%llx",
                          (unsigned long long)addr,
                          (unsigned long long)ram[i].start,
                          (unsigned long long)ram[i].end);
            return -1;
        }
    return 0;
}

static unsigned pm1_writes(const struct acpi_poweroff *p, uint16_t pm1_now,
                           struct acpi_reg_write *out)
{
    /* Keep every bit but SLP_TYP and SLP_EN (SCI_EN above all), as
     * ACPICA's acpi_hw_legacy_sleep does: first SLP_TYP to PM1a then
     * PM1b, then the same with SLP_EN, so that neither block sleeps
     * before both know the type. */
    uint16_t keep = (uint16_t)(pm1_now & ~(PM1_SLP_TYP | PM1_SLP_EN));
    uint16_t a = (uint16_t)(keep | (p->slp_typ_a & 7) << PM1_SLP_TYP_SHIFT);
    uint16_t b = (uint16_t)(keep | (p->slp_typ_b & 7) << PM1_SLP_TYP_SHIFT);
    unsigned n = 0;

    for (int en = 0; en < 2; en++) {
        uint16_t set = en ? PM1_SLP_EN : 0;

        out[n++] = (struct acpi_reg_write){p->pm1a_cnt, ACPI_SPACE_IO, 2,
                                           (uint16_t)(a | set)};
        if (p->pm1b_cnt)
            out[n++] = (struct acpi_reg_write){p->pm1b_cnt, ACPI_SPACE_IO,
                                               2, (uint16_t)(b | set)};
    }
    return n;
}

unsigned acpi_s5_writes(const struct acpi_poweroff *p, uint16_t pm1_now,
                        struct acpi_reg_write out[ACPI_S5_MAX_WRITES])
{
    if (!p->hw_reduced)
        return pm1_writes(p, pm1_now, out);
    /* One write, no read (ACPICA's acpi_hw_extended_sleep): the other
     * bits of this register are reserved and read as zero. */
    out[0] = (struct acpi_reg_write){
        p->sleep_addr, p->sleep_space, 1,
        (uint16_t)((p->slp_typ_a & 7) << SLEEP_CTL_TYP_SHIFT | SLEEP_CTL_EN)};
    return 1;
}
