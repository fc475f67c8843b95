/*
 * Event channels and the one-shot timer under Xen.  Xen signals through
 * the vector named in HVM_PARAM_CALLBACK_IRQ; the handler scans shared_info
 * and calls each bound port's handler.  Interrupts are on only while the
 * CPU idles, so handlers never race with threads.
 */
#include <tern/arch.h>
#include <tern/log.h>
#include <tern/xen.h>
#include <tern/xen_evtchn.h>
#include <xen/event_channel.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/params.h>
#include <xen/vcpu.h>
#include <xen/xen.h>
#include <tern/format.h>
#include <tern/irq.h>
#include "hypercall.h"

#define UPCALL_VECTOR 0xf3
#define MAX_BOUND 32

static struct {
    unsigned port;
    irq_handler_fn fn;
    void *arg;
} bound[MAX_BOUND];
static unsigned nbound;
static uint64_t delivered, unbound;

struct shared_info *xen_shared_info(void);

int xen_evtchn_bind(unsigned port, irq_handler_fn fn, void *arg)
{
    struct shared_info *s = xen_shared_info();

    if (port >= EVTCHN_PORTS || nbound == MAX_BOUND)
        return -1;
    for (unsigned i = 0; i < nbound; i++)
        if (bound[i].port == port)
            return -1; /* one handler a port: a second would never run */
    bound[nbound].port = port;
    bound[nbound].fn = fn;
    bound[nbound].arg = arg;
    nbound++;
    evtchn_unmask(s->evtchn_pending, s->evtchn_mask,
                  &s->vcpu_info[0].evtchn_pending_sel,
                  &s->vcpu_info[0].evtchn_upcall_pending, port);
    return 0;
}

void xen_evtchn_unbind(unsigned port)
{
    struct shared_info *s = xen_shared_info();

    for (unsigned i = 0; i < nbound; i++) {
        if (bound[i].port == port) {
            __atomic_or_fetch(&s->evtchn_mask[port / 64], 1ul << (port % 64),
                              __ATOMIC_SEQ_CST);
            bound[i] = bound[--nbound];
            return;
        }
    }
}

static int bind_source(const struct irq_source *src, irq_handler_fn fn,
                       void *arg, struct irq_binding *out, char *why,
                       unsigned whylen)
{
    (void)out; /* vector 0: ports share the upcall */
    if (xen_evtchn_bind(src->number, fn, arg) == 0)
        return 0;
    tern_snprintf(why, whylen,
                  "event channel %u out of range, bound already, or one "
                  "of %u too many",
                  src->number, MAX_BOUND);
    return -1;
}

static void unbind_source(const struct irq_binding *b)
{
    xen_evtchn_unbind(b->source.number);
}

/* Event channels through irq_bind (tern/irq.h), like every other source. */
void xen_evtchn_register_source(void)
{
    static const struct irq_source_ops ops = {bind_source, unbind_source};

    irq_source_register(IRQ_SOURCE_EVTCHN, &ops);
}

static void deliver(unsigned port, void *ctx)
{
    (void)ctx;
    for (unsigned i = 0; i < nbound; i++) {
        if (bound[i].port == port) {
            delivered++;
            bound[i].fn(port, bound[i].arg);
            return;
        }
    }
    unbound++; /* counted, never a crash */
}

static void upcall(unsigned vector, void *arg)
{
    (void)arg;
    struct shared_info *s = xen_shared_info();
    struct vcpu_info *v = &s->vcpu_info[0];

    (void)vector;
    while (v->evtchn_upcall_pending) {
        v->evtchn_upcall_pending = 0;
        evtchn_scan(s->evtchn_pending, s->evtchn_mask,
                    __atomic_exchange_n(&v->evtchn_pending_sel, 0,
                                        __ATOMIC_SEQ_CST),
                    deliver, 0);
    }
}

static void timer_event(unsigned port, void *arg)
{
    (void)port; /* waking the CPU is all it is for */
    (void)arg;
}

int xen_evtchn_alloc_ipi(void)
{
    struct evtchn_bind_ipi ipi = {.vcpu = 0};
    long rc = hypercall2(__HYPERVISOR_event_channel_op, EVTCHNOP_bind_ipi,
                         (uintptr_t)&ipi);

    return rc ? -1 : (int)ipi.port;
}

int xen_evtchn_send(unsigned port)
{
    struct evtchn_send send = {.port = port};

    return hypercall2(__HYPERVISOR_event_channel_op, EVTCHNOP_send,
                      (uintptr_t)&send)
               ? -1
               : 0;
}

uint64_t xen_evtchn_delivered(void)
{
    return delivered;
}

uint64_t xen_evtchn_unbound(void)
{
    return unbound;
}

void xen_timer_arm(uint64_t deadline_ns)
{
    struct vcpu_set_singleshot_timer t = {.timeout_abs_ns = deadline_ns,
                                          .flags = 0};

    hypercall3(__HYPERVISOR_vcpu_op, VCPUOP_set_singleshot_timer, 0,
               (uintptr_t)&t);
}

int xen_evtchn_init(void)
{
    struct xen_hvm_param p = {
        .domid = DOMID_SELF,
        .index = HVM_PARAM_CALLBACK_IRQ,
        .value = (uint64_t)HVM_PARAM_CALLBACK_TYPE_VECTOR << 56 |
                 UPCALL_VECTOR,
    };
    struct evtchn_bind_virq virq = {.virq = VIRQ_TIMER, .vcpu = 0};
    long rc;

    irq_register(UPCALL_VECTOR, upcall, 0);
    xen_shared_info()->vcpu_info[0].evtchn_upcall_mask = 0;
    rc = hypercall2(__HYPERVISOR_hvm_op, HVMOP_set_param, (uintptr_t)&p);
    if (rc) {
        pr_err("xen: HVM_PARAM_CALLBACK_IRQ failed (%ld)", rc);
        return (int)rc;
    }
    rc = hypercall2(__HYPERVISOR_event_channel_op, EVTCHNOP_bind_virq,
                    (uintptr_t)&virq);
    if (rc || xen_evtchn_bind(virq.port, timer_event, 0)) {
        pr_err("xen: binding VIRQ_TIMER failed (%ld, port %u)", rc,
               virq.port);
        return rc ? (int)rc : -1;
    }
    hypercall3(__HYPERVISOR_vcpu_op, VCPUOP_stop_periodic_timer, 0, 0);
    return 0;
}
