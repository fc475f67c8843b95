/* The virtio-mmio transport's pure parts: the DSDT scan (on the DSDT
 * QEMU 7.2 gives -M microvm with one virtio-rng-device, and on hostile
 * variants), config bounds, queue-size caps, the legacy queue layout and
 * slots that lie in the memory map. */
#include <stdlib.h>
#include <string.h>
#include <tern/virtio_mmio.h>
#include "../../lib/virtio/mmio_regs.h"
#include "test.h"

/* pmemsave of a QEMU 7.2 guest: -M microvm -device virtio-rng-device.
 * One object, VR23: Memory32Fixed 0xfeb02e00 0x200, Interrupt {47}. */
static const uint8_t qemu_microvm_dsdt[] = {
    0x44, 0x53, 0x44, 0x54, 0x94, 0x01, 0x00, 0x00, 0x02, 0x99, 0x42, 0x4f,
    0x43, 0x48, 0x53, 0x20, 0x42, 0x58, 0x50, 0x43, 0x20, 0x20, 0x20, 0x20,
    0x01, 0x00, 0x00, 0x00, 0x42, 0x58, 0x50, 0x43, 0x01, 0x00, 0x00, 0x00,
    0x10, 0x4e, 0x15, 0x5f, 0x53, 0x42, 0x5f, 0x5b, 0x82, 0x2e, 0x46, 0x57,
    0x43, 0x46, 0x08, 0x5f, 0x48, 0x49, 0x44, 0x0d, 0x51, 0x45, 0x4d, 0x55,
    0x30, 0x30, 0x30, 0x32, 0x00, 0x08, 0x5f, 0x53, 0x54, 0x41, 0x0a, 0x0b,
    0x08, 0x5f, 0x43, 0x52, 0x53, 0x11, 0x0d, 0x0a, 0x0a, 0x47, 0x01, 0x10,
    0x05, 0x10, 0x05, 0x01, 0x0c, 0x79, 0x00, 0x5b, 0x82, 0x32, 0x43, 0x4f,
    0x4d, 0x31, 0x08, 0x5f, 0x48, 0x49, 0x44, 0x0c, 0x41, 0xd0, 0x05, 0x01,
    0x08, 0x5f, 0x55, 0x49, 0x44, 0x01, 0x08, 0x5f, 0x53, 0x54, 0x41, 0x0a,
    0x0f, 0x08, 0x5f, 0x43, 0x52, 0x53, 0x11, 0x10, 0x0a, 0x0d, 0x47, 0x01,
    0xf8, 0x03, 0xf8, 0x03, 0x00, 0x08, 0x22, 0x10, 0x00, 0x79, 0x00, 0x5b,
    0x82, 0x25, 0x52, 0x54, 0x43, 0x5f, 0x08, 0x5f, 0x48, 0x49, 0x44, 0x0c,
    0x41, 0xd0, 0x0b, 0x00, 0x08, 0x5f, 0x43, 0x52, 0x53, 0x11, 0x10, 0x0a,
    0x0d, 0x47, 0x01, 0x70, 0x00, 0x70, 0x00, 0x01, 0x08, 0x22, 0x00, 0x01,
    0x79, 0x00, 0x5b, 0x82, 0x4c, 0x06, 0x47, 0x45, 0x44, 0x5f, 0x08, 0x5f,
    0x48, 0x49, 0x44, 0x0d, 0x41, 0x43, 0x50, 0x49, 0x30, 0x30, 0x31, 0x33,
    0x00, 0x08, 0x5f, 0x55, 0x49, 0x44, 0x0d, 0x47, 0x45, 0x44, 0x00, 0x08,
    0x5f, 0x43, 0x52, 0x53, 0x11, 0x0e, 0x0a, 0x0b, 0x89, 0x06, 0x00, 0x03,
    0x01, 0x09, 0x00, 0x00, 0x00, 0x79, 0x00, 0x5b, 0x80, 0x45, 0x52, 0x45,
    0x47, 0x00, 0x0c, 0x00, 0x00, 0xa0, 0xfe, 0x0a, 0x04, 0x5b, 0x81, 0x0b,
    0x45, 0x52, 0x45, 0x47, 0x43, 0x45, 0x53, 0x45, 0x4c, 0x20, 0x14, 0x1d,
    0x5f, 0x45, 0x56, 0x54, 0x09, 0x70, 0x45, 0x53, 0x45, 0x4c, 0x60, 0xa0,
    0x10, 0x93, 0x7b, 0x60, 0x0a, 0x02, 0x00, 0x0a, 0x02, 0x86, 0x50, 0x57,
    0x52, 0x42, 0x0a, 0x80, 0x5b, 0x82, 0x19, 0x50, 0x57, 0x52, 0x42, 0x08,
    0x5f, 0x48, 0x49, 0x44, 0x0d, 0x50, 0x4e, 0x50, 0x30, 0x43, 0x30, 0x43,
    0x00, 0x08, 0x5f, 0x55, 0x49, 0x44, 0x00, 0x5b, 0x82, 0x42, 0x04, 0x56,
    0x52, 0x32, 0x33, 0x08, 0x5f, 0x48, 0x49, 0x44, 0x0d, 0x4c, 0x4e, 0x52,
    0x4f, 0x30, 0x30, 0x30, 0x35, 0x00, 0x08, 0x5f, 0x55, 0x49, 0x44, 0x0a,
    0x17, 0x08, 0x5f, 0x43, 0x43, 0x41, 0x01, 0x08, 0x5f, 0x43, 0x52, 0x53,
    0x11, 0x1a, 0x0a, 0x17, 0x86, 0x09, 0x00, 0x01, 0x00, 0x2e, 0xb0, 0xfe,
    0x00, 0x02, 0x00, 0x00, 0x89, 0x06, 0x00, 0x01, 0x01, 0x2f, 0x00, 0x00,
    0x00, 0x79, 0x00, 0x10, 0x10, 0x5c, 0x00, 0x08, 0x5f, 0x53, 0x35, 0x5f,
    0x12, 0x07, 0x04, 0x0a, 0x05, 0x00, 0x00, 0x00,
};

static struct mmio_range out[MMIO_MAX_SLOTS];

static int count_lines(void)
{
    int n = 0;

    for (const char *t = log_text(); *t; t++)
        n += *t == '\n';
    return n;
}

TEST(mmio_dsdt_qemu_microvm)
{
    log_clear();
    CHECK(virtio_mmio_dsdt_scan(qemu_microvm_dsdt, sizeof(qemu_microvm_dsdt),
                                out, MMIO_MAX_SLOTS) == 1);
    CHECK(out[0].addr == 0xfeb02e00 && out[0].size == 0x200 &&
          out[0].gsi == 47);
    CHECK(log_text()[0] == 0);
}

/* One QEMU-shaped device object: Device(VRnn) { _HID, _UID, _CCA, _CRS }. */
static unsigned put_device(uint8_t *p, uint32_t base, uint32_t size,
                           uint32_t gsi)
{
    static const uint8_t head[] = {
        0x08, '_', 'H', 'I', 'D', 0x0d, 'L', 'N', 'R', 'O', '0', '0', '0',
        '5', 0x00, 0x08, '_', 'U', 'I', 'D', 0x00, 0x08, '_', 'C', 'C',
        'A', 0x01, 0x08, '_', 'C', 'R', 'S', 0x11, 0x1a, 0x0a, 0x17};
    unsigned n = sizeof(head);

    memcpy(p, head, n);
    p[n++] = 0x86, p[n++] = 0x09, p[n++] = 0x00, p[n++] = 0x01;
    memcpy(p + n, &base, 4), n += 4;
    memcpy(p + n, &size, 4), n += 4;
    p[n++] = 0x89, p[n++] = 0x06, p[n++] = 0x00, p[n++] = 0x01, p[n++] = 1;
    memcpy(p + n, &gsi, 4), n += 4;
    p[n++] = 0x79, p[n++] = 0x00;
    return n;
}

static uint8_t aml[4096];

TEST(mmio_dsdt_two_devices_in_order)
{
    unsigned n = put_device(aml, 0xfeb02c00, 0x200, 46);

    n += put_device(aml + n, 0xfeb02e00, 0x200, 47);
    log_clear();
    CHECK(virtio_mmio_dsdt_scan(aml, n, out, MMIO_MAX_SLOTS) == 2);
    CHECK(out[0].addr == 0xfeb02c00 && out[0].gsi == 46);
    CHECK(out[1].addr == 0xfeb02e00 && out[1].gsi == 47);
    CHECK(virtio_mmio_dsdt_scan(aml, n, out, 1) == 1);
    CHECK(log_contains("more than 1"));
}

TEST(mmio_dsdt_out_of_bounds_resources_are_skipped_with_a_line)
{
    unsigned n = put_device(aml, 0xfeb00000, 0, 24);       /* size 0 */

    n += put_device(aml + n, 0xfeb00200, 0x200, 0);        /* GSI 0 */
    n += put_device(aml + n, 0xfeb00400, 0x200, 300);      /* GSI 300 */
    n += put_device(aml + n, 0xfeb00602, 0x200, 27);       /* unaligned */
    n += put_device(aml + n, 0xfeb00800, 0x40000000, 28);  /* 1 GiB */
    n += put_device(aml + n, 0xfeb00a00, 0x200, 29);       /* good */
    log_clear();
    CHECK(virtio_mmio_dsdt_scan(aml, n, out, MMIO_MAX_SLOTS) == 1);
    CHECK(out[0].addr == 0xfeb00a00);
    CHECK(count_lines() == 5 && log_contains("out of bounds"));
}

TEST(mmio_dsdt_truncated_and_lying_lengths_find_nothing)
{
    unsigned n = put_device(aml, 0xfeb00000, 0x200, 24);

    /* every cut of the object: never a read past the end, never a slot
     * from a partial descriptor */
    for (unsigned cut = 0; cut < n; cut++) {
        uint8_t *copy = malloc(cut ? cut : 1);

        memcpy(copy, aml, cut);
        CHECK(virtio_mmio_dsdt_scan(copy, cut, out, MMIO_MAX_SLOTS) == 0);
        free(copy);
    }
    aml[33] = 0x7f; /* buffer PkgLength past the table */
    log_clear();
    CHECK(virtio_mmio_dsdt_scan(aml, n, out, MMIO_MAX_SLOTS) == 0);
    CHECK(log_contains("no Memory32Fixed"));
    put_device(aml, 0xfeb00000, 0x200, 24);
    aml[37] = 0xff; /* Memory32Fixed length past the buffer */
    CHECK(virtio_mmio_dsdt_scan(aml, n, out, MMIO_MAX_SLOTS) == 0);
    put_device(aml, 0xfeb00000, 0x200, 24);
    aml[52] = 0; /* an interrupt descriptor with no interrupt */
    CHECK(virtio_mmio_dsdt_scan(aml, n, out, MMIO_MAX_SLOTS) == 0);
}

TEST(mmio_dsdt_a_crs_of_another_object_is_not_taken)
{
    /* HID, then a second HID whose object has the only _CRS: the first
     * object gets nothing (one line), the second its own slot. */
    unsigned n = 15;

    memcpy(aml, "\x08_HID\x0dLNRO0005", 15);
    n += put_device(aml + n, 0xfeb00200, 0x200, 25);
    log_clear();
    CHECK(virtio_mmio_dsdt_scan(aml, n, out, MMIO_MAX_SLOTS) == 1);
    CHECK(out[0].addr == 0xfeb00200 && count_lines() == 1);
}

TEST(mmio_config_access_bounds)
{
    CHECK(mmio_config_access_ok(256, 0, 4));
    CHECK(mmio_config_access_ok(256, 252, 4));
    CHECK(!mmio_config_access_ok(256, 253, 4)); /* unaligned */
    CHECK(!mmio_config_access_ok(256, 256, 1));
    CHECK(!mmio_config_access_ok(256, 0xfffffffc, 4)); /* off + size wraps */
    CHECK(!mmio_config_access_ok(256, 0, 8));
    CHECK(!mmio_config_access_ok(256, 0, 3));
    CHECK(!mmio_config_access_ok(0, 0, 1));
    CHECK(mmio_config_access_ok(3, 2, 1) && !mmio_config_access_ok(3, 2, 2));
}

TEST(mmio_queue_size_caps)
{
    CHECK(mmio_queue_size_cap(0) == 0);
    CHECK(mmio_queue_size_cap(1) == 1);
    CHECK(mmio_queue_size_cap(8) == 8);
    CHECK(mmio_queue_size_cap(255) == 128);
    CHECK(mmio_queue_size_cap(256) == 256);
    CHECK(mmio_queue_size_cap(1024) == VIRTIO_QUEUE_MAX);
    CHECK(mmio_queue_size_cap(0xffffffff) == VIRTIO_QUEUE_MAX);
}

static struct virtio_queue_mem legacy_queue(uint64_t base, uint16_t n)
{
    uint64_t avail_end = base + 16u * n + 6 + 2u * n;
    uint64_t used = (avail_end + 4095) & ~4095ull;

    return (struct virtio_queue_mem){n, base, base, base + 16u * n, used,
                                     used + 6 + 8u * n - base};
}

TEST(mmio_legacy_queue_layout)
{
    struct virtio_queue_mem m = legacy_queue(0x200000, 256);

    CHECK(mmio_legacy_layout_ok(&m));
    m.base += 0x800, m.desc += 0x800, m.avail += 0x800, m.used += 0x800;
    CHECK(!mmio_legacy_layout_ok(&m)); /* not page-aligned */
    m = legacy_queue(0x200000, 256);
    m.used += 4096;
    CHECK(!mmio_legacy_layout_ok(&m)); /* not where the device looks */
    m = legacy_queue(0x200000, 256);
    m.bytes -= 1;
    CHECK(!mmio_legacy_layout_ok(&m)); /* used ring past the block */
    m = legacy_queue(0x100000000000ull, 8);
    CHECK(!mmio_legacy_layout_ok(&m)); /* page number past 32 bits */
    m = legacy_queue(0x200000, 8);
    m.size = 6;
    CHECK(!mmio_legacy_layout_ok(&m));
}

TEST(mmio_slot_in_the_memory_map)
{
    const struct mem_region map[] = {
        {0, 0x9fc00, 1}, {0x100000, 0x3f00000, 1}, {0, 0, 0},
        {0xfffc0000, 0x40000, 2}, {0xfffffffffffff000ull, 0x2000, 2},
    };
    struct mmio_range hole = {0xfeb00000, 0x200, 24};
    struct mmio_range ram = {0x1000000, 0x200, 24};
    struct mmio_range rom = {0xfffffe00, 0x200, 24};
    struct mmio_range edge = {0x9fc00, 0x200, 24};
    struct mmio_range top = {0xffffffffff000000ull, 0x200, 24};

    CHECK(mmio_slot_in_map(map, 5, &hole) == 0);
    CHECK(mmio_slot_in_map(map, 5, &ram) == &map[1]);
    CHECK(mmio_slot_in_map(map, 5, &rom) == &map[3]);
    CHECK(mmio_slot_in_map(map, 5, &edge) == 0);
    CHECK(mmio_slot_in_map(map, 5, &top) == 0);
    top.addr = 0xfffffffffffff800ull;
    top.size = 0x100;
    CHECK(mmio_slot_in_map(map, 5, &top) == &map[4]); /* wrapping entry */
}

TEST(mmio_slots_that_overlap)
{
    const struct mmio_range list[] = {{0xfeb00000, 0x200, 5},
                                         {0xfeb00400, 0x200, 7}};
    struct mmio_range d = {0xfeb00200, 0x200, 6};

    CHECK(mmio_slot_overlap(&d, list, 2) == -1); /* between them */
    d.size = 0x201;
    CHECK(mmio_slot_overlap(&d, list, 2) == 1);
    d = (struct mmio_range){0xfeb00000, 0x200, 5};
    CHECK(mmio_slot_overlap(&d, list, 2) == 0); /* the same slot */
    d = (struct mmio_range){0xfeaffe00, 0x201, 5};
    CHECK(mmio_slot_overlap(&d, list, 2) == 0);
    CHECK(mmio_slot_overlap(&d, list, 0) == -1);
}
