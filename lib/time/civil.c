/* Calendar arithmetic (Howard Hinnant's days_from_civil).  Pure. */
#include <tern/time.h>

int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

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
