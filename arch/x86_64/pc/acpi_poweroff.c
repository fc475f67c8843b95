/* Entering S5: PM1 control (SLP_TYP, SLP_EN) on classic ACPI, the sleep
 * control register on hardware-reduced ACPI (QEMU microvm's GED).  What
 * to write is acpi_s5_writes'; this file only does the port and MMIO
 * accesses, after checking an MMIO register is not our own memory. */
#include <tern/acpi.h>
#include <tern/console.h>
#include <tern/io.h>
#include <tern/mm.h>

extern char _image_start[], _image_end[];

int acpi_mmio_safe(uint64_t addr, uint64_t len, char *why, unsigned whylen)
{
    const struct mem_range image = {(uintptr_t)_image_start,
                                    (uintptr_t)_image_end};
    unsigned n;
    const struct mem_range *usable = mm_usable(&n), *ram;

    if (acpi_mmio_check(addr, len, usable, n, why, whylen))
        return -1;
    /* The loader's pieces too: a register "in" a module rewrites a file. */
    if (len && addr + len > addr && (ram = mm_ram_in_use(addr, addr + len)))
        return acpi_mmio_check(addr, len, ram, 1, why, whylen);
    return acpi_mmio_check(addr, len, &image, 1, why, whylen);
}

static void write_reg(const struct acpi_reg_write *w)
{
    if (w->space == ACPI_SPACE_IO) {
        if (w->width == 2)
            outw((uint16_t)w->addr, w->value);
        else
            outb((uint16_t)w->addr, (uint8_t)w->value);
        return;
    }
    paging_uncache(w->addr);
    if (w->width == 2)
        *(volatile uint16_t *)(uintptr_t)w->addr = w->value;
    else
        *(volatile uint8_t *)(uintptr_t)w->addr = (uint8_t)w->value;
}

void acpi_enter_s5(const struct acpi_poweroff *p)
{
    struct acpi_reg_write w[ACPI_S5_MAX_WRITES];
    uint16_t pm1_now = 0;
    char why[96];
    unsigned n;

    if (p->hw_reduced && p->sleep_space == ACPI_SPACE_MEMORY &&
        acpi_mmio_safe(p->sleep_addr, 1, why, sizeof(why))) {
        tern_printf("tern: poweroff: ACPI sleep control register: %s; "
                    "not writing it\n", why);
        return;
    }
    if (!p->hw_reduced)
        pm1_now = (uint16_t)(inw(p->pm1a_cnt) |
                             (p->pm1b_cnt ? inw(p->pm1b_cnt) : 0));
    n = acpi_s5_writes(p, pm1_now, w);
    for (unsigned i = 0; i < n; i++)
        write_reg(&w[i]);
}
