#ifndef TERN_TEST_HOST_IRQ_H
#define TERN_TEST_HOST_IRQ_H

#include <tern/arch.h>

extern int host_irq_route_fails;
extern unsigned host_irq_vectors_live;
extern irq_handler_fn host_irq_handler;
extern void *host_irq_arg;

#endif
