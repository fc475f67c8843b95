/* Xen event channels, 2-level ABI.  The scan of the pending bitmaps is
 * pure logic (unit-tested on the host); the rest is hypercalls. */
#ifndef TERN_XEN_EVTCHN_H
#define TERN_XEN_EVTCHN_H

#include <stdbool.h>
#include <stdint.h>
#include <tern/arch.h>

#define EVTCHN_WORD_BITS 64u
#define EVTCHN_WORDS 64u
#define EVTCHN_PORTS (EVTCHN_WORDS * EVTCHN_WORD_BITS) /* 4096 */

/* Deliver every port that is pending and not masked, once: for each bit
 * of sel (which words to look at), clear each such pending bit, then call
 * deliver(port).  Returns how many ports it delivered.  Never reads or
 * writes outside the two 64-word arrays, whatever sel says. */
unsigned evtchn_scan(volatile uint64_t *pending, const volatile uint64_t *mask,
                     uint64_t sel, void (*deliver)(unsigned port, void *ctx),
                     void *ctx);

/* Unmask a port (port < EVTCHN_PORTS) as Xen's own EVTCHNOP_unmask does:
 * clear its mask bit, then, if an event arrived while it was masked (Xen
 * set the pending bit but, the port being masked, neither the selector
 * bit nor the upcall), raise it: set the word's bit in *sel and
 * *upcall_pending.  Without that the event would wait for an unrelated
 * one in the same word, and every later event on the port would be lost
 * too (Xen does nothing for a port already pending).  With the upcall
 * through a vector, Xen checks upcall_pending on every guest entry and
 * before a halt blocks, so the raise needs no hypercall.  Returns whether
 * it raised. */
bool evtchn_unmask(volatile uint64_t *pending, volatile uint64_t *mask,
                   volatile uint64_t *sel, volatile uint8_t *upcall_pending,
                   unsigned port);


/* Upcall through a vector (HVM_PARAM_CALLBACK_IRQ), VIRQ_TIMER bound and
 * the periodic timer stopped.  0, or a negative Xen error (reported). */
int xen_evtchn_init(void);
/* fn(port, arg) for a port: the same handler type as a vector's
 * (irq_handler_fn, tern/arch.h), run in the same place (the idle loop),
 * so a driver's handler may wake threads under Xen as under QEMU.  -1
 * when the port is out of range or the table is full. */
int xen_evtchn_bind(unsigned port, irq_handler_fn fn, void *arg);
/* The port masked and its handler dropped. */
void xen_evtchn_unbind(unsigned port);
/* A port of our own that EVTCHNOP_send raises on this vCPU (an IPI
 * channel): tests, and a driver's self-notification.  -1 on failure. */
int xen_evtchn_alloc_ipi(void);
/* Notify the other end of port (a back-end, or ourselves): 0 or -1. */
int xen_evtchn_send(unsigned port);
/* Makes IRQ_SOURCE_EVTCHN bindable through irq_bind (tern/irq.h). */
void xen_evtchn_register_source(void);
/* VCPUOP_set_singleshot_timer at this Xen system time (= monotonic ns). */
void xen_timer_arm(uint64_t deadline_ns);
/* Events delivered, and events on ports nobody bound. */
uint64_t xen_evtchn_delivered(void);
uint64_t xen_evtchn_unbound(void);

#endif
