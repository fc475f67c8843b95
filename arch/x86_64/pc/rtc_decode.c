/* The CMOS RTC's hours register in each format it may use.  Pure. */
#include <tern/pc.h>

unsigned rtc_decode_hour(uint8_t raw, uint8_t status_b)
{
    unsigned pm = raw & 0x80, h = raw & 0x7f;

    if (!(status_b & 0x04)) /* BCD */
        h = (h >> 4) * 10 + (h & 15);
    if (status_b & 0x02)
        return pm ? 24 : h; /* 24-hour mode has no PM bit */
    if (h < 1 || h > 12)
        return 24;
    return h % 12 + (pm ? 12 : 0); /* 12 AM is 0, 12 PM is 12 */
}
