/*
 * HTTP dates, pure: no gmtime/timegm (newlib has no timegm), the civil
 * calendar is computed directly (days from 1970-01-01, proleptic
 * Gregorian, after Howard Hinnant's days_from_civil).
 */
#include <stdio.h>
#include <string.h>
#include "http_date.h"

static const char days[7][4] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue",
                                "Wed"};
static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

struct civil {
    int64_t year;
    int month, day, hour, min, sec, wday;
};

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b < 0);
}

static struct civil to_civil(int64_t t)
{
    struct civil c;
    int64_t z = floor_div(t, 86400), secs = t - z * 86400;
    int64_t era, doe, yoe, doy, mp;

    c.wday = (int)(((z % 7) + 7) % 7);
    c.hour = (int)(secs / 3600);
    c.min = (int)(secs / 60 % 60);
    c.sec = (int)(secs % 60);
    z += 719468;
    era = floor_div(z, 146097);
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    c.day = (int)(doy - (153 * mp + 2) / 5 + 1);
    c.month = (int)(mp < 10 ? mp + 3 : mp - 9);
    c.year = yoe + era * 400 + (c.month <= 2);
    return c;
}

static int64_t from_civil(int64_t y, int m, int d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = floor_div(y, 400);
    yoe = y - era * 400;
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* Years outside 0..9999 cannot be written in four digits: clamp. */
static int64_t clamp_time(int64_t t)
{
    const int64_t lo = -62167219200LL, hi = 253402300799LL;

    return t < lo ? lo : t > hi ? hi : t;
}

void http_date_format(int64_t t, char *out)
{
    struct civil c = to_civil(clamp_time(t));

    snprintf(out, HTTP_DATE_LEN + 1, "%s, %02d %s %04d %02d:%02d:%02d GMT",
             days[c.wday], c.day, months[c.month - 1], (int)c.year, c.hour,
             c.min, c.sec);
}

void http_date_clf(int64_t t, char *out)
{
    struct civil c = to_civil(clamp_time(t));

    snprintf(out, 27, "%02d/%s/%04d:%02d:%02d:%02d +0000", c.day,
             months[c.month - 1], (int)c.year, c.hour, c.min, c.sec);
}

/* ---- parsing ------------------------------------------------------------- */
struct cursor {
    const char *s;
    size_t n, i;
};

static int digits(struct cursor *c, int count, int *out)
{
    int v = 0;

    for (int k = 0; k < count; k++, c->i++) {
        if (c->i >= c->n || c->s[c->i] < '0' || c->s[c->i] > '9')
            return -1;
        v = v * 10 + (c->s[c->i] - '0');
    }
    *out = v;
    return 0;
}

static int lit(struct cursor *c, const char *w)
{
    size_t k = strlen(w);

    if (c->n - c->i < k || memcmp(c->s + c->i, w, k))
        return -1;
    c->i += k;
    return 0;
}

static int month(struct cursor *c, int *m)
{
    for (int k = 0; k < 12; k++)
        if (!lit(c, months[k])) {
            *m = k + 1;
            return 0;
        }
    return -1;
}

static int clock_time(struct cursor *c, int *h, int *mi, int *s)
{
    return digits(c, 2, h) || lit(c, ":") || digits(c, 2, mi) ||
           lit(c, ":") || digits(c, 2, s) ? -1 : 0;
}

static int month_days(int y, int m)
{
    static const int len[12] = {31, 28, 31, 30, 31, 30,
                                31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    return len[m - 1] + (m == 2 && leap);
}

/* The day name is not checked against the date: a mismatch is the
 * sender's mistake, and the date fields alone are what is compared. */
static int skip_day_name(struct cursor *c, char sep)
{
    while (c->i < c->n && c->s[c->i] != sep)
        if (++c->i > 9)
            return -1;
    return c->i < c->n ? (c->i++, 0) : -1;
}

int http_date_parse(const char *s, size_t n, int64_t *t)
{
    struct cursor c = {s, n, 0};
    int y = 0, m = 0, d = 0, h = 0, mi = 0, sec = 0, bad;

    if (n < 24 || skip_day_name(&c, n > 10 && s[3] == ',' ? ',' : ' '))
        return -1;
    if (s[3] == ',') { /* IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT */
        bad = lit(&c, " ") || digits(&c, 2, &d) || lit(&c, " ") ||
              month(&c, &m) || lit(&c, " ") || digits(&c, 4, &y) ||
              lit(&c, " ") || clock_time(&c, &h, &mi, &sec) ||
              lit(&c, " GMT");
    } else if (s[3] == ' ') { /* asctime: Sun Nov  6 08:49:37 1994 */
        bad = month(&c, &m) || lit(&c, " ");
        if (!bad && c.i < n && s[c.i] == ' ') {
            c.i++;
            bad = digits(&c, 1, &d);
        } else if (!bad)
            bad = digits(&c, 2, &d);
        bad = bad || lit(&c, " ") || clock_time(&c, &h, &mi, &sec) ||
              lit(&c, " ") || digits(&c, 4, &y);
    } else { /* RFC 850: Sunday, 06-Nov-94 08:49:37 GMT */
        c.i = 0;
        bad = skip_day_name(&c, ',') || lit(&c, " ") ||
              digits(&c, 2, &d) || lit(&c, "-") || month(&c, &m) ||
              lit(&c, "-") || digits(&c, 2, &y) || lit(&c, " ") ||
              clock_time(&c, &h, &mi, &sec) || lit(&c, " GMT");
        y += y < 70 ? 2000 : 1900; /* RFC 9110: 50 years into the future */
    }
    if (bad || c.i != n || d < 1 || d > month_days(y, m) || h > 23 ||
        mi > 59 || sec > 60)
        return -1;
    *t = from_civil(y, m, d) * 86400 + h * 3600 + mi * 60 + sec;
    return 0;
}
