/*
 * The modern virtio PCI transport's layout (virtio 1.2, 4.1.4): vendor
 * capabilities naming a BAR, an offset and a length for the common
 * configuration, notifications, ISR status and the device's own
 * configuration.  Pure logic over a snapshot of config space: each
 * region must lie inside a memory BAR the device has, or the transport
 * would read and write past it.
 */
#include <tern/format.h>
#include <tern/virtio_pci.h>

#define CAP_CFG_TYPE 3
#define CAP_BAR 4
#define CAP_OFFSET 8
#define CAP_LENGTH 12
#define CAP_LEN_MIN 16
#define NOTIFY_MULT 16
#define NOTIFY_CAP_LEN_MIN 20
#define CFG_SPACE 256

static uint32_t le32(const uint8_t *p)
{
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

unsigned virtio_pci_device_id(const struct pci_dev *d)
{
    if (d->vendor != VIRTIO_PCI_VENDOR || d->device < VIRTIO_PCI_DEVICE_FIRST ||
        d->device > VIRTIO_PCI_DEVICE_LAST)
        return 0;
    if (d->device >= VIRTIO_PCI_DEVICE_MODERN)
        return d->device - VIRTIO_PCI_DEVICE_MODERN;
    return d->subsys_id;
}

/* The least a region of this type must hold. */
static uint32_t min_len(unsigned type)
{
    switch (type) {
    case VIRTIO_PCI_CAP_COMMON:
        return VIRTIO_PCI_COMMON_LEN;
    case VIRTIO_PCI_CAP_NOTIFY:
        return 2; /* one 16-bit queue index */
    case VIRTIO_PCI_CAP_ISR:
        return 1;
    default:
        return 0;
    }
}

/* Why the capability at off cannot be used, or NULL (then *r is set). */
static const char *check_cap(const struct pci_dev *d, const uint8_t *cfg,
                             unsigned off, unsigned type,
                             struct virtio_pci_region *r, uint32_t *mult)
{
    const uint8_t *c = cfg + off;
    const struct pci_bar *b;
    unsigned need = type == VIRTIO_PCI_CAP_NOTIFY ? NOTIFY_CAP_LEN_MIN
                                                  : CAP_LEN_MIN;

    if (off + need > CFG_SPACE || c[2] < need)
        return "capability shorter than its structure";
    if (c[CAP_BAR] >= d->nbars)
        return "names no BAR";
    b = &d->bar[c[CAP_BAR]];
    if (!b->size || (b->flags & (PCI_BAR_IO | PCI_BAR_UPPER)))
        return "names a BAR that is not a memory BAR";
    r->bar = c[CAP_BAR];
    r->off = le32(c + CAP_OFFSET);
    r->len = le32(c + CAP_LENGTH);
    if (r->len < min_len(type))
        return "region too small for its structure";
    if ((uint64_t)r->off + r->len > b->size)
        return "region runs past the end of its BAR";
    if (type == VIRTIO_PCI_CAP_NOTIFY)
        *mult = le32(c + NOTIFY_MULT);
    return NULL;
}

int virtio_pci_parse_caps(const struct pci_dev *d, const uint8_t cfg[256],
                          struct virtio_pci_layout *out, char *why,
                          unsigned whylen)
{
    struct virtio_pci_region *slot[5] = {NULL, &out->common, &out->notify,
                                         &out->isr, &out->device};
    bool found[5] = {false}, any = false;
    const char *bad_for[5] = {NULL};

    *out = (struct virtio_pci_layout){0};
    for (unsigned i = 0; i < d->ncaps; i++) {
        unsigned off = d->caps[i].off, type;
        const char *bad;

        if (d->caps[i].id != PCI_CAP_ID_VENDOR || off + 4 > CFG_SPACE)
            continue;
        type = cfg[off + CAP_CFG_TYPE];
        if (type < VIRTIO_PCI_CAP_COMMON || type > VIRTIO_PCI_CAP_DEVICE)
            continue; /* PCI_CFG, shared memory, vendor-specific */
        any = true;
        if (found[type])
            continue; /* the first usable one of each type counts */
        bad = check_cap(d, cfg, off, type, slot[type], &out->notify_mult);
        if (bad) {
            bad_for[type] = bad;
            continue;
        }
        found[type] = true;
    }
    if (!any)
        return 1;
    out->has_device = found[VIRTIO_PCI_CAP_DEVICE];
    if (!out->has_device)
        out->device = (struct virtio_pci_region){0};
    for (unsigned t = VIRTIO_PCI_CAP_COMMON; t <= VIRTIO_PCI_CAP_ISR; t++)
        if (!found[t]) {
            static const char *const names[] = {"", "common", "notify",
                                                "ISR"};

            if (bad_for[t])
                tern_snprintf(why, whylen, "%s capability: %s", names[t],
                              bad_for[t]);
            else
                tern_snprintf(why, whylen, "no %s capability", names[t]);
            return -1;
        }
    return 0;
}
