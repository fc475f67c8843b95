#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "resp.h"
#include "settings.h"

int settings_parse_size(const char *s, size_t *out)
{
    static const struct { const char *unit; unsigned long long mul; } units[] = {
        {"", 1}, {"k", 1000}, {"kb", 1024}, {"m", 1000000},
        {"mb", 1024 * 1024}, {"g", 1000000000}, {"gb", 1024ull * 1024 * 1024},
    };
    size_t digits = strspn(s, "0123456789");
    long long v;

    if (!digits || !resp_strtoll(s, digits, &v))
        return 0;
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
        if (!strcasecmp(s + digits, units[i].unit)) {
            if ((unsigned long long)v > (size_t)-1 / units[i].mul)
                return 0;
            *out = (size_t)v * units[i].mul;
            return 1;
        }
    return 0;
}

static int number(const char *(*get)(const char *), const char *key,
                  size_t min, size_t max, size_t *out, char *why, size_t len)
{
    const char *v = get(key);

    if (!v)
        return 0;
    if (!settings_parse_size(v, out) || *out < min || *out > max) {
        snprintf(why, len, "%s=%s: want a number from %zu to %zu", key, v,
                 min, max);
        return -1;
    }
    return 0;
}

int settings_load(struct kv_settings *s, const char *(*get)(const char *),
                  const char *default_bind, const char *default_disk,
                  char *why, size_t len)
{
    size_t port = 6379;
    const char *bad = get("SNAPSHOT_BAD");

    s->bind = get("BIND") ? get("BIND") : default_bind;
    s->disk = get("DISK") ? get("DISK") : default_disk;
    if (s->disk && !s->disk[0])
        s->disk = NULL; /* DISK= : no snapshots */
    s->maxmemory = KV_DEFAULT_MAXMEMORY;
    s->maxclients = KV_DEFAULT_MAXCLIENTS;
    s->max_bulk = KV_DEFAULT_MAX_BULK;
    if (number(get, "PORT", 1, 65535, &port, why, len) ||
        number(get, "MAXMEMORY", 0, (size_t)-1, &s->maxmemory, why, len) ||
        number(get, "MAXCLIENTS", 1, 100000, &s->maxclients, why, len) ||
        number(get, "PROTO_MAX_BULK_LEN", 1, 512u * 1024 * 1024,
               &s->max_bulk, why, len))
        return -1;
    s->port = port;
    if (bad && strcmp(bad, "stop") && strcmp(bad, "empty")) {
        snprintf(why, len, "SNAPSHOT_BAD=%s: want stop or empty", bad);
        return -1;
    }
    s->stop_on_bad = bad && !strcmp(bad, "stop");
    return 0;
}
