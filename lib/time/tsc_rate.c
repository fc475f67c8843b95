/* The TSC's rate from bracketed reference samples.  Pure; see
 * include/tern/tsc_rate.h. */
#include <tern/tsc_rate.h>

#define MAX_WINDOWS 32
#define MIN_PLAUSIBLE_HZ 10000000ull     /* 10 MHz */
#define MAX_PLAUSIBLE_HZ 100000000000ull /* 100 GHz */

static uint64_t abs_diff(uint64_t a, uint64_t b)
{
    return a > b ? a - b : b - a;
}

/* 3x the narrowest bracket: a read that took its usual time, not one the
 * host scheduler cut in two.  The slack of 256 ticks keeps a CPU whose
 * reads cost almost nothing from rejecting ordinary jitter. */
uint64_t tsc_sample_limit(const struct tsc_sample *s, unsigned n)
{
    uint64_t min = UINT64_MAX;

    for (unsigned i = 0; i < n; i++)
        if (s[i].width < min)
            min = s[i].width;
    return n ? 3 * min + 256 : 0;
}

static uint64_t rate_of(uint64_t dtsc, uint64_t dref, uint32_t hz)
{
    return (uint64_t)((unsigned __int128)dtsc * hz / dref);
}

static void sort(uint64_t *v, unsigned n)
{
    for (unsigned i = 1; i < n; i++)
        for (unsigned j = i; j > 0 && v[j - 1] > v[j]; j--) {
            uint64_t t = v[j];

            v[j] = v[j - 1];
            v[j - 1] = t;
        }
}

struct window {
    uint64_t dtsc, dref, rate;
};

/* Windows between consecutive narrow samples; returns how many. */
static unsigned windows_of(const struct tsc_sample *s, unsigned n,
                           struct ref_counter ref, struct window *w)
{
    uint64_t limit = tsc_sample_limit(s, n);
    unsigned nw = 0, prev = n;

    for (unsigned i = 0; i < n && nw < MAX_WINDOWS; i++) {
        if (s[i].width > limit)
            continue;
        if (prev < n && s[i].tsc > s[prev].tsc) {
            uint64_t dref = (s[i].ref - s[prev].ref) & ref.mask;

            if (dref) {
                w[nw].dtsc = s[i].tsc - s[prev].tsc;
                w[nw].dref = dref;
                w[nw].rate = rate_of(w[nw].dtsc, dref, ref.hz);
                nw++;
            }
        }
        prev = i;
    }
    return nw;
}

uint64_t tsc_rate_from_samples(const struct tsc_sample *s, unsigned n,
                               struct ref_counter ref, unsigned *agreed,
                               unsigned *windows)
{
    struct window w[MAX_WINDOWS];
    uint64_t rates[MAX_WINDOWS], median, dtsc = 0, dref = 0;
    unsigned nw = windows_of(s, n, ref, w), good = 0;

    *agreed = 0;
    *windows = nw;
    if (nw == 0 || ref.hz == 0)
        return 0;
    for (unsigned i = 0; i < nw; i++)
        rates[i] = w[i].rate;
    sort(rates, nw);
    median = rates[nw / 2];
    for (unsigned i = 0; i < nw; i++)
        if (abs_diff(w[i].rate, median) <= median / 100) {
            dtsc += w[i].dtsc;
            dref += w[i].dref;
            good++;
        }
    *agreed = good;
    if (good < 3 || 2 * good <= nw)
        return 0;
    return rate_of(dtsc, dref, ref.hz);
}

int64_t ref_unwrap(uint64_t predicted, uint32_t delta, uint32_t mask)
{
    uint64_t span = (uint64_t)mask + 1, wraps, got;

    wraps = predicted > delta ? (predicted - delta + span / 2) / span : 0;
    got = delta + wraps * span;
    if (abs_diff(got, predicted) > span / 4)
        return -1;
    return (int64_t)got;
}

static int plausible(uint64_t hz)
{
    return hz >= MIN_PLAUSIBLE_HZ && hz <= MAX_PLAUSIBLE_HZ;
}

uint64_t tsc_rate_choose(uint64_t measured, uint64_t from_cpuid,
                         int *cpuid_off)
{
    *cpuid_off = plausible(measured) && from_cpuid &&
                 abs_diff(measured, from_cpuid) > measured / 50;
    if (plausible(measured))
        return measured;
    return plausible(from_cpuid) ? from_cpuid : 0;
}
