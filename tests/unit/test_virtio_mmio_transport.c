/* lib/virtio/mmio.c against a slot simulated in host memory (device ids
 * no test driver registers, so the registry test is not disturbed): a buffer of
 * exactly the slot's size (ASan catches any access past it) holding the
 * registers a device would show.  A plain buffer reads back what was
 * written, so it stands for a device that accepts everything; the tests
 * set the registers a lying device would. */
#include <stdlib.h>
#include <string.h>
#include <tern/virtio.h>
#include <tern/virtio_mmio.h>
#include "../../lib/virtio/mmio_regs.h"
#include "host_irq.h"
#include "test.h"

#define SLOT 0x200

static struct boot_info bi; /* empty memory map */
static uint8_t *regs;

static uint32_t reg(unsigned off)
{
    uint32_t v;

    memcpy(&v, regs + off, 4);
    return v;
}

static void set(unsigned off, uint32_t v)
{
    memcpy(regs + off, &v, 4);
}

static struct virtio_dev *probe_slot(uint32_t version, uint32_t id)
{
    unsigned before = virtio_device_count();
    struct mmio_range d;

    free(regs);
    regs = calloc(1, SLOT);
    set(MMIO_MAGIC, VIRTIO_MMIO_MAGIC);
    set(MMIO_VERSION, version);
    set(MMIO_DEVICE_ID, id);
    d = (struct mmio_range){(uintptr_t)regs, SLOT, 24};
    log_clear();
    virtio_mmio_probe(&bi, &d, "test");
    return virtio_device_count() > before ? virtio_device_at(before) : NULL;
}

TEST(mmio_slot_identified_and_named)
{
    struct virtio_dev *d = probe_slot(2, VIRTIO_ID_CONSOLE);
    char name[40];

    CHECK(d && d->device_id == VIRTIO_ID_CONSOLE && !strcmp(d->ops->name, "mmio-v2"));
    snprintf(name, sizeof(name), "virtio-console@mmio:%llx",
             (unsigned long long)(uintptr_t)regs);
    CHECK(d && !strcmp(d->name, name));
    CHECK(log_contains("(mmio-v2), no driver"));
    d = probe_slot(1, 0x2a);
    CHECK(d && !strncmp(d->name, "virtio-42@mmio:", 15) &&
          !strcmp(d->ops->name, "mmio-v1"));
}

TEST(mmio_slot_wrong_magic_version_or_empty)
{
    free(regs);
    regs = calloc(1, SLOT);
    set(MMIO_MAGIC, 0xffffffff);
    CHECK(probe_slot(2, 4) != NULL); /* probe_slot rewrites the magic */
    CHECK(probe_slot(3, 4) == NULL && log_contains("version 3, neither 1 nor 2"));
    CHECK(probe_slot(0, 4) == NULL && log_contains("version 0"));
    CHECK(probe_slot(2, 0) == NULL && !log_contains("ignored") &&
          !log_contains("virtio: virtio"));
}

TEST(mmio_slot_in_memory_map_is_not_touched)
{
    struct mmio_range d = {0x100000, SLOT, 5};
    unsigned before = virtio_device_count();
    static struct boot_info with_ram;

    with_ram.memmap[0] = (struct mem_region){0x100000, 0x3f00000, 1};
    with_ram.memmap_count = 1;
    log_clear();
    virtio_mmio_probe(&with_ram, &d, "command line"); /* would fault */
    CHECK(virtio_device_count() == before);
    CHECK(log_contains("mmio 0x100000-0x100200 (command line) lies in the "
                       "memory map's RAM entry 0x100000-0x4000000"));
}

TEST(mmio_config_reads_stay_in_the_slot)
{
    struct virtio_dev *d = probe_slot(2, VIRTIO_ID_BLOCK);

    regs[SLOT - 1] = 0x5a;
    set(SLOT - 4, 0x11223344);
    CHECK(d->ops->config_read(d, 0xfc, 4) == 0x11223344);
    CHECK(d->ops->config_read(d, 0xff, 1) == 0x11);
    CHECK(d->ops->config_read(d, 0x100, 1) == 0); /* past the slot */
    CHECK(d->ops->config_read(d, 0xfe, 4) == 0);
    CHECK(d->ops->config_read(d, 0xffffffff, 2) == 0);
    d->ops->config_write(d, 0x100, 4, 0xdeadbeef); /* ASan: never written */
    d->ops->config_write(d, 0, 2, 0xbeef);
    CHECK(reg(0x100) == 0xbeef);
}

TEST(mmio_queue_max_is_capped_and_a_power_of_two)
{
    struct virtio_dev *d = probe_slot(1, VIRTIO_ID_BLOCK);

    set(MMIO_QUEUE_NUM_MAX, 0xffffffff);
    CHECK(d->ops->queue_max(d, 3) == VIRTIO_QUEUE_MAX && reg(MMIO_QUEUE_SEL) == 3);
    set(MMIO_QUEUE_NUM_MAX, 200);
    CHECK(d->ops->queue_max(d, 0) == 128);
    set(MMIO_QUEUE_NUM_MAX, 0);
    CHECK(d->ops->queue_max(d, 0) == 0);
}

TEST(mmio_features_by_layout)
{
    struct virtio_dev *d = probe_slot(1, VIRTIO_ID_CONSOLE);

    set(MMIO_DEVICE_FEATURES, 0x39000000);
    CHECK(d->ops->get_features(d) == 0x39000000); /* v1: no high word read */
    d->ops->set_features(d, 0x1000000ffull);
    CHECK(reg(MMIO_DRIVER_FEATURES) == 0xff && reg(MMIO_DRIVER_FEATURES_SEL) == 0);
    d = probe_slot(2, VIRTIO_ID_CONSOLE);
    set(MMIO_DEVICE_FEATURES, 1); /* a buffer: both selector values read 1 */
    CHECK(d->ops->get_features(d) == 0x100000001ull);
    CHECK(reg(MMIO_DEVICE_FEATURES_SEL) == 1);
}

static struct virtio_queue_mem legacy_queue(uint64_t base, uint16_t n)
{
    uint64_t avail_end = base + 16u * n + 6 + 2u * n;
    uint64_t used = (avail_end + 4095) & ~4095ull;

    return (struct virtio_queue_mem){n, base, base, base + 16u * n, used,
                                     used + 6 + 8u * n - base};
}

TEST(mmio_queue_enable_v1_and_v2)
{
    struct virtio_dev *d = probe_slot(1, VIRTIO_ID_CONSOLE);
    struct virtio_queue_mem m = legacy_queue(0x7000000, 8);

    set(MMIO_QUEUE_NUM_MAX, 8);
    CHECK(d->ops->queue_enable(d, 0, &m) == 0);
    CHECK(reg(MMIO_QUEUE_PFN) == 0x7000 && reg(MMIO_QUEUE_NUM) == 8 &&
          reg(MMIO_GUEST_PAGE_SIZE) == 4096 && reg(MMIO_QUEUE_ALIGN) == 4096);
    m.size = 16; /* more than the device offers */
    CHECK(d->ops->queue_enable(d, 0, &m) == -1);
    m = legacy_queue(0x7000000, 8);
    m.used += 4096; /* not where a legacy device looks */
    CHECK(d->ops->queue_enable(d, 0, &m) == -1);

    d = probe_slot(2, VIRTIO_ID_CONSOLE);
    set(MMIO_QUEUE_NUM_MAX, 256);
    m = (struct virtio_queue_mem){256, 0x123456789000ull, 0x123456789000ull,
                                  0x12345678a000ull, 0x12345678b000ull, 0x3000};
    CHECK(d->ops->queue_enable(d, 1, &m) == 0);
    CHECK(reg(MMIO_QUEUE_SEL) == 1 && reg(MMIO_QUEUE_READY) == 1);
    CHECK(reg(MMIO_QUEUE_DESC_LOW) == 0x56789000 &&
          reg(MMIO_QUEUE_DESC_LOW + 4) == 0x1234);
    CHECK(reg(MMIO_QUEUE_DRIVER_LOW) == 0x5678a000 &&
          reg(MMIO_QUEUE_DEVICE_LOW) == 0x5678b000);
    /* QueueReady still 1: the queue is live, and is not set up again */
    CHECK(d->ops->queue_enable(d, 1, &m) == -1);
}

static int calls;

static void count_call(struct virtio_dev *d, void *arg)
{
    (void)d;
    (void)arg;
    calls++;
}

TEST(mmio_interrupt_ack_and_bind)
{
    struct virtio_dev *d = probe_slot(2, VIRTIO_ID_CONSOLE);
    unsigned live = host_irq_vectors_live;

    set(MMIO_INTERRUPT_STATUS, 0xfffffffd);
    CHECK(d->ops->irq_ack(d) == 1 && reg(MMIO_INTERRUPT_ACK) == 1);
    set(MMIO_INTERRUPT_STATUS, 0);
    set(MMIO_INTERRUPT_ACK, 0);
    CHECK(d->ops->irq_ack(d) == 0 && reg(MMIO_INTERRUPT_ACK) == 0);

    host_irq_route_fails = 1;
    log_clear();
    CHECK(d->ops->irq_bind(d, count_call, 0) == -1);
    CHECK(host_irq_vectors_live == live && log_contains("GSI 24 not routed"));
    host_irq_route_fails = 0;
    CHECK(d->ops->irq_bind(d, count_call, 0) == 0);
    CHECK(host_irq_vectors_live == live + 1);
    /* A status bit that stays set (a device that never lowers it) gets
     * a bounded number of calls per interrupt, not a loop. */
    set(MMIO_INTERRUPT_STATUS, 1);
    calls = 0;
    host_irq_handler(0x30, host_irq_arg);
    CHECK(calls == 4);
    set(MMIO_INTERRUPT_STATUS, 0);
    calls = 0;
    host_irq_handler(0x30, host_irq_arg);
    CHECK(calls == 0);
}
