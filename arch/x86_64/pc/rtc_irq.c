/*
 * The CMOS RTC's periodic interrupt (ISA IRQ 8) at 64 Hz: a device
 * interrupt every PC-like machine QEMU offers has, for tests and
 * benchmarks of the interrupt path.  Reading register C acknowledges
 * each tick; without that the RTC raises no more.
 */
#include <tern/irq.h>
#include <tern/pc.h>
#include <tern/format.h>
#include "cmos.h"

#define RATE_64HZ 0x0a /* 32768 >> (rate - 1) */
#define PIE 0x40       /* periodic interrupt enable, register B */

static void (*tick_fn)(void *arg);
static void *tick_arg;
static struct irq_binding binding;

static void rtc_irq(unsigned vector, void *arg)
{
    (void)vector;
    (void)arg;
    cmos_read(CMOS_REG_C); /* re-arms the interrupt */
    if (tick_fn)
        tick_fn(tick_arg);
}

static void set_periodic(int on)
{
    uint8_t b = cmos_read(CMOS_REG_B);

    cmos_write(CMOS_REG_A,
               (uint8_t)((cmos_read(CMOS_REG_A) & 0xf0) | RATE_64HZ));
    cmos_write(CMOS_REG_B, (uint8_t)(on ? b | PIE : b & ~PIE));
    cmos_read(CMOS_REG_C); /* drop a tick already latched */
}

int rtc_periodic_start(void (*tick)(void *arg), void *arg, char *why,
                       unsigned whylen)
{
    static const struct irq_source irq8 = {.kind = IRQ_SOURCE_ISA,
                                           .number = 8};

    if (binding.vector) {
        tern_snprintf(why, whylen, "the RTC's interrupt is running already");
        return -1;
    }
    if (irq_bind(&irq8, rtc_irq, 0, &binding, why, whylen))
        return -1;
    tick_fn = tick;
    tick_arg = arg;
    set_periodic(1);
    return 0;
}

void rtc_periodic_stop(void)
{
    set_periodic(0);
    tick_fn = 0;
    if (binding.vector)
        irq_unbind(&binding);
    binding.vector = 0;
}
