/*
 * The CMOS RTC's periodic interrupt (ISA IRQ 8) at 64 Hz: a device
 * interrupt every PC-like machine QEMU offers has, for tests and
 * benchmarks of the interrupt path.  Reading register C acknowledges
 * each tick; without that the RTC raises no more.
 */
#include <tern/arch.h>
#include <tern/time.h>
#include "cmos.h"

#define RATE_64HZ 0x0a /* 32768 >> (rate - 1) */
#define PIE 0x40       /* periodic interrupt enable, register B */

static void (*tick_fn)(void *arg);
static void *tick_arg;

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

int rtc_periodic_start(unsigned vector, void (*tick)(void *arg), void *arg,
                       char *why, unsigned whylen)
{
    if (irq_route_isa(8, vector, rtc_irq, 0, why, whylen))
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
}
