/*
 * The PV console a domU has (what "xl console" shows): a ring page and an
 * event channel, both named by HVM params.  A dom0 has neither.  Output
 * never blocks for long: a backend that stops consuming loses bytes, one
 * that writes nonsense indices loses the console.
 */
#include <stdint.h>
#include <tern/console.h>
#include <tern/log.h>
#include <tern/xen.h>
#include <tern/xen_console_ring.h>
#include <xen/event_channel.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/params.h>
#include <xen/sched.h>
#include <xen/xen.h>
#include "hypercall.h"

/* Yields to Xen before giving up on a backend that does not consume: each
 * lets dom0's console daemon run (on one CPU it cannot otherwise). */
#define FULL_RING_WAITS 100000

static volatile struct xencons_interface *ring;
static evtchn_port_t port;
static int broken;
static int stalled;          /* the backend stopped consuming */
static XENCONS_RING_IDX stalled_cons;

static long hvm_param(uint32_t index, uint64_t *value)
{
    struct xen_hvm_param p = {.domid = DOMID_SELF, .index = index};
    long rc = hypercall2(__HYPERVISOR_hvm_op, HVMOP_get_param, (uintptr_t)&p);

    *value = p.value;
    return rc;
}

static void notify(void *ctx)
{
    struct evtchn_send send = {.port = port};

    (void)ctx;
    hypercall2(__HYPERVISOR_event_channel_op, EVTCHNOP_send,
               (uintptr_t)&send);
}

/* The ring is full: let the backend run instead of spinning against it. */
static void yield(void *ctx)
{
    (void)ctx;
    hypercall2(__HYPERVISOR_sched_op, SCHEDOP_yield, 0);
}

static const struct xencons_writer writer = {notify, yield, 0,
                                             FULL_RING_WAITS};

static void pv_console_write(const char *s, size_t n)
{
    long sent;

    if (broken || (stalled && ring->out_cons == stalled_cons))
        return; /* still stalled: drop at once rather than wait again */
    stalled = 0;
    sent = xencons_write(ring, s, n, &writer);
    if (sent < 0) {
        broken = 1;
        pr_err("xen: PV console ring indices out of range (prod %u, "
               "cons %u): console disabled",
               ring->out_prod, ring->out_cons);
    } else if ((size_t)sent < n) {
        stalled = 1; /* backend stalled: drop until it moves again */
        stalled_cons = ring->out_cons;
    }
}

int xen_pv_console_init(void)
{
    uint64_t pfn, evtchn;

    if (hvm_param(HVM_PARAM_CONSOLE_PFN, &pfn) || pfn == 0 ||
        hvm_param(HVM_PARAM_CONSOLE_EVTCHN, &evtchn))
        return -1;
    if (pfn >= (4ull << 30) >> 12 || evtchn > UINT32_MAX) {
        pr_err("xen: PV console pfn 0x%llx / event channel %llu out of "
               "range: not used", (unsigned long long)pfn,
               (unsigned long long)evtchn);
        return -1;
    }
    ring = (volatile struct xencons_interface *)(uintptr_t)(pfn << 12);
    port = (evtchn_port_t)evtchn;
    console_register("xen-pv", pv_console_write);
    return 0;
}
