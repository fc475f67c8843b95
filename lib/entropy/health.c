/* The rules a hardware random instruction's values must keep, and the
 * bounded retries Intel's guidance asks for (DRNG Software Implementation
 * Guide, 5.2.1: "retry up to 10 times" for RDRAND; RDSEED runs dry under
 * load by design, so it gets more).  A source that breaks a rule is out
 * for good, with one line: it never feeds the pool again. */
#include <tern/entropy_pool.h>
#include <tern/log.h>

static const char *broken_rule(const struct hw_source *s, uint64_t v)
{
    if (v == 0)
        return "returned all zeros";
    if (v == ~0ull)
        return "returned all ones (AMD's RDRAND bug)";
    if (s->have_last && v == s->last)
        return "returned the same value twice in a row";
    return 0;
}

enum draw_result source_draw(struct hw_source *s, uint64_t *value)
{
    const char *rule;
    uint64_t v;

    if (s->distrusted)
        return DRAW_DISTRUSTED;
    for (unsigned i = 0; i < s->tries; i++) {
        if (!s->raw(&v))
            continue;
        rule = broken_rule(s, v);
        if (rule) {
            pr_err("entropy: %s %s (0x%llx): distrusted, not used again",
                   s->name, rule, (unsigned long long)v);
            s->distrusted = true;
            return DRAW_DISTRUSTED;
        }
        s->last = v;
        s->have_last = true;
        s->draws++;
        *value = v;
        return DRAW_OK;
    }
    s->failed_draws++;
    return DRAW_EMPTY;
}

bool source_selftest(struct hw_source *s, unsigned draws)
{
    uint64_t v;

    for (unsigned i = 0; i < draws; i++) {
        enum draw_result r = source_draw(s, &v);

        if (r == DRAW_DISTRUSTED)
            return false;
        if (r == DRAW_EMPTY) {
            pr_err("entropy: %s gave no value in %u tries: not used",
                   s->name, s->tries);
            s->distrusted = true;
            return false;
        }
    }
    return true;
}

const char *device_bytes_broken_rule(const uint8_t *bytes, size_t len,
                                     uint64_t *last)
{
    uint64_t head = 0;
    size_t i;

    if (len < sizeof(head))
        return 0;
    for (i = 1; i < len && bytes[i] == bytes[0]; i++)
        ;
    if (i == len)
        return "returned a buffer of identical bytes";
    for (i = 0; i < sizeof(head); i++)
        head = head << 8 | bytes[i];
    if (head == *last)
        return "returned the same bytes twice in a row";
    *last = head;
    return 0;
}

bool jitter_deltas_vary(const uint64_t *deltas, unsigned n)
{
    for (unsigned i = 1; i < n; i++)
        if (deltas[i] != deltas[0])
            return true;
    return false;
}
