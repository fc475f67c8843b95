/* The CMOS RTC's date and seconds.  The waits are bounded by the
 * caller's monotonic clock (lib/time passes its own): this file knows the
 * RTC, not how time is kept. */
#include <tern/pc.h>
#include <tern/time.h>
#include "cmos.h"

static unsigned bcd(uint8_t v, int binary)
{
    return binary ? v : (v >> 4) * 10 + (v & 15);
}

/* Status register B once the RTC is not mid-update, or -1 when there is
 * no RTC (reads float high) or the update never ends.  An update takes
 * 244 us on a real RTC, but QEMU holds UIP set until its main loop runs
 * the RTC's update timer, and on a busy host that loop waits for a CPU
 * for tens or hundreds of ms: 100,000 polls (20-60 ms under TCG) gave up
 * while the RTC was fine.  So the wait is bounded in time. */
#define RTC_UPDATE_WAIT_NS 1500000000ull

static int rtc_ready(uint64_t (*now_ns)(void))
{
    uint8_t status_b = cmos_read(CMOS_REG_B);
    uint64_t give_up = 0;

    if (status_b == 0xff)
        return -1;
    while (cmos_read(CMOS_REG_A) & 0x80) {
        uint64_t now = now_ns();

        if (!give_up)
            give_up = now + RTC_UPDATE_WAIT_NS;
        else if (now > give_up)
            return -1;
        cpu_pause();
    }
    return status_b;
}

/* One reading of the CMOS RTC, in UTC as QEMU keeps it; 0 when absent
 * or nonsense. */
static uint64_t rtc_read_once(uint64_t (*now_ns)(void))
{
    int status_b = rtc_ready(now_ns), binary;
    unsigned sec, min, hour, day, mon, year;

    if (status_b < 0)
        return 0;
    binary = status_b & 0x04;
    sec = bcd(cmos_read(0x00), binary);
    min = bcd(cmos_read(0x02), binary);
    hour = rtc_decode_hour(cmos_read(0x04), (uint8_t)status_b);
    day = bcd(cmos_read(0x07), binary);
    mon = bcd(cmos_read(0x08), binary);
    year = bcd(cmos_read(0x09), binary) + 2000;
    if (sec > 59 || min > 59 || hour > 23 || day < 1 || day > 31 ||
        mon < 1 || mon > 12)
        return 0;
    return (uint64_t)((days_from_civil(year, mon, day) * 86400 +
                       hour * 3600 + min * 60 + sec)) *
           1000000000ull;
}

/* The RTC's date once two readings in a row agree: "not updating" holds
 * for only 244 us after the check, and a vCPU preempted for longer
 * between the registers reads halves of two dates (12:59:59 + 1 min). */
uint64_t cmos_rtc_ns(uint64_t (*now_ns)(void))
{
    uint64_t prev = rtc_read_once(now_ns), now;

    for (int i = 0; i < 5; i++, prev = now)
        if ((now = rtc_read_once(now_ns)) == prev && now) /* two failures: no */
            return now;
    return 0;
}

int cmos_rtc_second(uint64_t (*now_ns)(void))
{
    int status_b = rtc_ready(now_ns);

    return status_b < 0 ? -1 : (int)bcd(cmos_read(0x00), status_b & 0x04);
}
