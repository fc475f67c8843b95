/* Leaving the domain: SCHEDOP_shutdown with a reason (poweroff, crash). */
#include <tern/xen.h>
#include <xen/sched.h>
#include <xen/xen.h>
#include "hypercall.h"

void xen_shutdown(unsigned reason)
{
    struct sched_shutdown s = {.reason = reason};

    hypercall2(__HYPERVISOR_sched_op, SCHEDOP_shutdown, (uintptr_t)&s);
}
