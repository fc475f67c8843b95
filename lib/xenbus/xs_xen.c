/*
 * The real xenstore: the ring page and event channel a domU's HVM
 * parameters name, the client's waits as timed waits on a condition the
 * event channel's handler broadcasts.  Handlers run only inside the
 * scheduler and a waiter is queued before it schedules, so an event can
 * never fall between a waiter's last look at the ring and its wait.
 */
#include <stdbool.h>
#include <tern/boot_info.h>
#include <tern/driver.h>
#include <tern/gnttab.h>
#include <tern/irq.h>
#include <tern/log.h>
#include <tern/mm.h>
#include <tern/thread.h>
#include <tern/time.h>
#include <tern/xen.h>
#include <tern/xen_evtchn.h>
#include <tern/xenbus.h>
#include <tern/kalloc.h>
#include <tern/xenstore.h>
#include <xen/hvm/params.h>
#include <xen/xen.h>

/* Per request: dom0's xenstored shares one TCG vCPU with everything. */
#define XS_TIMEOUT_NS (10ull * 1000000000ull)

/* 20 KiB of reply slots: taken from the heap on Xen only, not the .bss
 * of every image (an appliance on QEMU would carry it for nothing). */
static struct xs_client *client;
static unsigned port;
static struct mutex lock = MUTEX_INIT;
static struct cond event = COND_INIT;

static void notify(void *ctx)
{
    (void)ctx;
    xen_evtchn_send(port);
}

static void wait_event(void *ctx, uint64_t deadline)
{
    (void)ctx;
    mutex_lock(&lock);
    cond_wait_until(&event, &lock, deadline);
    mutex_unlock(&lock);
}

static uint64_t now(void *ctx)
{
    (void)ctx;
    return clock_monotonic_ns();
}

static void on_event(unsigned p, void *arg)
{
    (void)p;
    (void)arg;
    cond_broadcast(&event);
}

/* Front-ends still connected when the app ends are closed, so the
 * backends let go of our pages and see us leave in order. */
static void close_front_ends(void)
{
    xenbus_close_all();
}

struct xs_client *xenstore(void)
{
    return client;
}

static void xs_xen_init(const struct boot_info *bi)
{
    static const struct xs_transport t = {notify, wait_event, now, 0};
    struct irq_source src = {.kind = IRQ_SOURCE_EVTCHN};
    struct irq_binding b;
    uint64_t pfn, evtchn;
    char why[96];

    if (!xen_present() || (bi->flags & SIF_INITDOMAIN))
        return; /* QEMU, or a dom0: no store ring */
    if (xen_hvm_param_get(HVM_PARAM_STORE_PFN, &pfn) || pfn == 0 ||
        xen_hvm_param_get(HVM_PARAM_STORE_EVTCHN, &evtchn))
        return;
    /* The page must be Xen's, below 4 GiB (identity-mapped there), and
     * no RAM the allocator could hand out as well. */
    if (pfn >= (4ull << 30) >> 12 || evtchn >= EVTCHN_PORTS ||
        mm_ram_in_use(pfn << 12, (pfn + 1) << 12)) {
        pr_err("xenstore: ring pfn 0x%llx / event channel %llu unusable: "
               "no xenstore", (unsigned long long)pfn,
               (unsigned long long)evtchn);
        return;
    }
    port = (unsigned)evtchn;
    src.number = port;
    if (irq_bind(&src, on_event, 0, &b, why, sizeof(why))) {
        pr_err("xenstore: event channel %u: %s", port, why);
        return;
    }
    if (!(client = kzalloc(sizeof(*client)))) {
        pr_err("xenstore: no memory for the client: no xenstore");
        return;
    }
    sched_add_wake_source();
    xs_client_init(client,
                   (volatile struct xenstore_domain_interface *)(uintptr_t)(
                       pfn << 12),
                   &t, XS_TIMEOUT_NS);
    driver_at_exit(close_front_ends);
    pr_info("xenstore: ring at pfn 0x%llx, event channel %u",
            (unsigned long long)pfn, port);
    if (gnttab_setup() != 0)
        pr_warn("gnttab: no grant table: Xen PV devices cannot run");
}
DRIVER_INIT_BUS(xs_xen_init);
