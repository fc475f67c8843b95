/* Entering S5: PM1 control (SLP_TYP, SLP_EN) on classic ACPI, the sleep
 * control register on hardware-reduced ACPI (QEMU microvm's GED). */
#include <tern/acpi.h>
#include <tern/io.h>
#include <tern/mm.h>

#define PM1_SLP_EN (1u << 13)
#define SLEEP_CTL_EN (1u << 5)

void acpi_enter_s5(const struct acpi_poweroff *p)
{
    if (p->hw_reduced) {
        uint8_t v = (uint8_t)(((p->slp_typ_a & 7) << 2) | SLEEP_CTL_EN);

        if (p->sleep_space == ACPI_SPACE_IO) {
            outb((uint16_t)p->sleep_addr, v);
        } else {
            paging_uncache(p->sleep_addr);
            *(volatile uint8_t *)(uintptr_t)p->sleep_addr = v;
        }
        return;
    }
    if (p->pm1b_cnt)
        outw(p->pm1b_cnt, (uint16_t)((p->slp_typ_b & 7) << 10 | PM1_SLP_EN));
    outw(p->pm1a_cnt, (uint16_t)((p->slp_typ_a & 7) << 10 | PM1_SLP_EN));
}
