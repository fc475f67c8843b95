/* The CMOS RTC's registers, through its index and data ports: the one
 * place both the clock (clock.c) and the periodic interrupt (rtc_irq.c)
 * reach them. */
#ifndef TERN_LIB_TIME_CMOS_H
#define TERN_LIB_TIME_CMOS_H

#include <stdint.h>
#include <tern/io.h>

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71
#define CMOS_REG_A 0x0a /* bit 7: update in progress; rate */
#define CMOS_REG_B 0x0b /* format, interrupt enables */
#define CMOS_REG_C 0x0c /* interrupt flags: reading acknowledges */

static inline uint8_t cmos_read(uint8_t reg)
{
    outb(CMOS_INDEX, reg);
    return inb(CMOS_DATA);
}

static inline void cmos_write(uint8_t reg, uint8_t v)
{
    outb(CMOS_INDEX, reg);
    outb(CMOS_DATA, v);
}

#endif
