/* KEY=VALUE settings (Tern's command line before "--"; the environment on
 * the host build), read through a getenv-like function so tests can
 * supply their own. */
#ifndef KV_SETTINGS_H
#define KV_SETTINGS_H

#include <stddef.h>

struct kv_settings {
    unsigned port;          /* PORT, 6379 */
    const char *bind;       /* BIND, an IPv4 address */
    size_t maxmemory;       /* MAXMEMORY: bytes, or with k/kb/m/mb/g/gb */
    size_t maxclients;      /* MAXCLIENTS */
    size_t max_bulk;        /* PROTO_MAX_BULK_LEN: longest argument */
    const char *disk;       /* DISK: the snapshot's disk or file, or NULL */
    int stop_on_bad;        /* SNAPSHOT_BAD=stop (default: empty) */
};

#define KV_DEFAULT_MAXMEMORY (1024u * 1024)
#define KV_DEFAULT_MAXCLIENTS 64
#define KV_DEFAULT_MAX_BULK (512u * 1024)

/* "1048576", "512kb", "2m", "1gb" (Redis's units: k = 1000, kb = 1024);
 * 1 if valid. */
int settings_parse_size(const char *s, size_t *out);
/* 0, or -1 with the bad setting named in why. */
int settings_load(struct kv_settings *s, const char *(*get)(const char *),
                  const char *default_bind, const char *default_disk,
                  char *why, size_t len);

#endif
