/*
 * Where virtio-mmio devices are found (docs/devices.md):
 * - virtio_mmio.device= words on the command line, which QEMU's microvm
 *   writes when ACPI is off (and a user or another VMM may write);
 * - the DSDT's virtio-mmio objects (_HID "LNRO0005"), which is all
 *   microvm says when ACPI is on, its default.
 * Slots are never guessed: a machine that names none has none.
 */
#include <tern/acpi.h>
#include <tern/log.h>
#include <tern/phys.h>
#include <tern/virtio_mmio.h>

static struct boot_mmio_dev dsdt_slots[BOOT_MAX_MMIO];

static bool named_before(const struct boot_mmio_dev *d,
                         const struct boot_mmio_dev *list, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        if (list[i].addr == d->addr)
            return true;
    return false;
}

/* The DSDT's slots; 0 when there is no ACPI (acpi=off) or no object. */
static unsigned from_dsdt(void)
{
    uint64_t addr;
    uint32_t len;
    const uint8_t *aml;
    char why[96];

    if (acpi_find_dsdt(&acpi_window, acpi_rsdp_hint(), &addr, &len, why,
                       sizeof(why))) {
        pr_debug("virtio: mmio: no DSDT to read (%s)", why);
        return 0;
    }
    if (!(aml = phys_map(&acpi_window, addr, len)))
        return 0;
    return virtio_mmio_dsdt_scan(aml, len, dsdt_slots, BOOT_MAX_MMIO);
}

void virtio_mmio_init(const struct boot_info *bi,
                      const struct boot_mmio_dev *words, unsigned nwords)
{
    unsigned n;

    for (unsigned i = 0; i < nwords; i++)
        if (!named_before(&words[i], words, i))
            virtio_mmio_probe(bi, &words[i], "command line");
    n = from_dsdt();
    for (unsigned i = 0; i < n; i++)
        if (!named_before(&dsdt_slots[i], words, nwords) &&
            !named_before(&dsdt_slots[i], dsdt_slots, i))
            virtio_mmio_probe(bi, &dsdt_slots[i], "DSDT");
}
