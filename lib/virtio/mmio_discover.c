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
#include "mmio_regs.h"

static struct boot_mmio_dev dsdt_slots[BOOT_MAX_MMIO];
static struct boot_mmio_dev taken[2 * BOOT_MAX_MMIO];
static unsigned ntaken;

/* A slot named twice (the command line and the DSDT may both name it)
 * is probed once; one that overlaps another slot is a line, and not
 * probed: two transports cannot share registers. */
static void probe_once(const struct boot_info *bi,
                       const struct boot_mmio_dev *d, const char *source)
{
    int i = mmio_slot_overlap(d, taken, ntaken);

    if (i >= 0 && (taken[i].addr != d->addr || taken[i].size != d->size)) {
        pr_warn("virtio: mmio 0x%llx-0x%llx (%s) overlaps 0x%llx-0x%llx: "
                "ignored", (unsigned long long)d->addr,
                (unsigned long long)(d->addr + d->size), source,
                (unsigned long long)taken[i].addr,
                (unsigned long long)(taken[i].addr + taken[i].size));
        return;
    }
    if (i >= 0 || ntaken == sizeof(taken) / sizeof(taken[0]))
        return;
    taken[ntaken++] = *d;
    virtio_mmio_probe(bi, d, source);
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
        probe_once(bi, &words[i], "command line");
    n = from_dsdt();
    for (unsigned i = 0; i < n; i++)
        probe_once(bi, &dsdt_slots[i], "DSDT");
}
