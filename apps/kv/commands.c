/* Commands, after Redis 7.0's src/t_string.c, db.c, expire.c and
 * server.c: same arities, same replies, same error text. */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "commands.h"
#include "mem.h"

#define LLMAX __LONG_LONG_MAX__
#define LLMIN (-__LONG_LONG_MAX__ - 1)

static const char NOT_INTEGER[] = "ERR value is not an integer or out of range";
static const char SYNTAX[] = "ERR syntax error";
static const char OOM[] = "OOM command not allowed when used memory > 'maxmemory'.";

#define DENYOOM 1 /* may add data: refused past maxmemory */

struct command {
    const char *name;
    int arity; /* Redis's: n exactly, or -n at least n */
    int flags;
    int (*run)(struct kv *kv, struct reply *out, const struct cmd_args *a,
               int64_t now);
};

static const char *arg(const struct cmd_args *a, size_t i)
{
    return a->base + a->v[i].off;
}

static size_t len(const struct cmd_args *a, size_t i)
{
    return a->v[i].len;
}

static int is(const struct cmd_args *a, size_t i, const char *word)
{
    return len(a, i) == strlen(word) && !strncasecmp(arg(a, i), word, len(a, i));
}

static int arg_ll(const struct cmd_args *a, size_t i, long long *v)
{
    return resp_strtoll(arg(a, i), len(a, i), v);
}

static void error_fmt(struct reply *out, const char *fmt, const char *name)
{
    char buf[200];

    snprintf(buf, sizeof(buf), fmt, name);
    reply_error(out, buf);
}

static int arity_error(struct reply *out, const char *name)
{
    error_fmt(out, "ERR wrong number of arguments for '%s' command", name);
    return 0;
}

static int cmd_ping(struct kv *kv, struct reply *out, const struct cmd_args *a,
                    int64_t now)
{
    (void)kv, (void)now;
    if (a->n > 2)
        return arity_error(out, "ping");
    if (a->n == 2)
        reply_bulk(out, arg(a, 1), len(a, 1));
    else
        reply_status(out, "PONG");
    return 0;
}

static int cmd_echo(struct kv *kv, struct reply *out, const struct cmd_args *a,
                    int64_t now)
{
    (void)kv, (void)now;
    reply_bulk(out, arg(a, 1), len(a, 1));
    return 0;
}

static void reply_value(struct reply *out, const struct entry *e)
{
    if (e)
        reply_bulk(out, entry_val(e), e->vlen);
    else
        reply_nil(out);
}

static int cmd_get(struct kv *kv, struct reply *out, const struct cmd_args *a,
                   int64_t now)
{
    reply_value(out, store_get(&kv->db, arg(a, 1), len(a, 1), now));
    return 0;
}

/* An EX/PX argument as an absolute time, as getExpireMillisecondsOrReply
 * checks it; 0, or -1 after the error reply. */
static int set_expiry(struct reply *out, const struct cmd_args *a, size_t i,
                      long long unit, int64_t now, int64_t *when)
{
    long long v;

    if (!arg_ll(a, i, &v)) {
        reply_error(out, NOT_INTEGER);
        return -1;
    }
    if (v <= 0 || v > LLMAX / unit || v * unit > LLMAX - now) {
        reply_error(out, "ERR invalid expire time in 'set' command");
        return -1;
    }
    *when = now + v * unit;
    return 0;
}

struct set_opts {
    int nx, xx, keepttl, get;
    size_t expire_arg; /* 0: none */
    long long unit;
};

static int parse_set_opts(const struct cmd_args *a, struct set_opts *o)
{
    memset(o, 0, sizeof(*o));
    for (size_t j = 3; j < a->n; j++) {
        int next = j + 1 < a->n;

        if (is(a, j, "nx") && !o->xx)
            o->nx = 1;
        else if (is(a, j, "xx") && !o->nx)
            o->xx = 1;
        else if (is(a, j, "get"))
            o->get = 1;
        else if (is(a, j, "keepttl") && !o->expire_arg)
            o->keepttl = 1;
        else if ((is(a, j, "ex") || is(a, j, "px")) && !o->keepttl &&
                 !o->expire_arg && next) {
            o->unit = is(a, j, "ex") ? 1000 : 1;
            o->expire_arg = ++j;
        } else
            return -1;
    }
    return 0;
}

static int cmd_set(struct kv *kv, struct reply *out, const struct cmd_args *a,
                   int64_t now)
{
    struct set_opts o;
    struct entry *old;
    int64_t when = 0;

    if (parse_set_opts(a, &o)) {
        reply_error(out, SYNTAX);
        return 0;
    }
    if (o.expire_arg && set_expiry(out, a, o.expire_arg, o.unit, now, &when))
        return 0;
    old = store_get(&kv->db, arg(a, 1), len(a, 1), now);
    if (o.get)
        reply_value(out, old);
    if ((o.nx && old) || (o.xx && !old)) {
        if (!o.get)
            reply_nil(out);
        return 0;
    }
    if (o.keepttl && old)
        when = old->expire_ms;
    if (!store_set(&kv->db, arg(a, 1), len(a, 1), arg(a, 2), len(a, 2), when)) {
        if (!o.get)
            reply_error(out, OOM);
        return 0;
    }
    kv->dirty++;
    if (!o.get)
        reply_status(out, "OK");
    return 0;
}

static int cmd_del(struct kv *kv, struct reply *out, const struct cmd_args *a,
                   int64_t now)
{
    long long n = 0;

    for (size_t i = 1; i < a->n; i++)
        n += store_del(&kv->db, arg(a, i), len(a, i), now);
    kv->dirty += n;
    reply_int(out, n);
    return 0;
}

static int cmd_exists(struct kv *kv, struct reply *out,
                      const struct cmd_args *a, int64_t now)
{
    long long n = 0;

    for (size_t i = 1; i < a->n; i++)
        n += store_get(&kv->db, arg(a, i), len(a, i), now) != NULL;
    reply_int(out, n);
    return 0;
}

static void incr_by(struct kv *kv, struct reply *out,
                    const struct cmd_args *a, long long by, int64_t now)
{
    struct entry *e = store_get(&kv->db, arg(a, 1), len(a, 1), now);
    long long v = 0;
    char buf[24];
    int n;

    if (e && !resp_strtoll(entry_val(e), e->vlen, &v)) {
        reply_error(out, NOT_INTEGER);
        return;
    }
    if ((by < 0 && v < 0 && by < LLMIN - v) ||
        (by > 0 && v > 0 && by > LLMAX - v)) {
        reply_error(out, "ERR increment or decrement would overflow");
        return;
    }
    v += by;
    n = snprintf(buf, sizeof(buf), "%lld", v);
    /* the key keeps its time to live, as in Redis */
    if (!store_set(&kv->db, arg(a, 1), len(a, 1), buf, n,
                   e ? e->expire_ms : 0)) {
        reply_error(out, OOM);
        return;
    }
    kv->dirty++;
    reply_int(out, v);
}

static int cmd_incr(struct kv *kv, struct reply *out, const struct cmd_args *a,
                    int64_t now)
{
    incr_by(kv, out, a, 1, now);
    return 0;
}

static int cmd_decr(struct kv *kv, struct reply *out, const struct cmd_args *a,
                    int64_t now)
{
    incr_by(kv, out, a, -1, now);
    return 0;
}

static int cmd_incrby(struct kv *kv, struct reply *out,
                      const struct cmd_args *a, int64_t now)
{
    long long by;

    if (!arg_ll(a, 2, &by))
        reply_error(out, NOT_INTEGER);
    else
        incr_by(kv, out, a, by, now);
    return 0;
}

static int cmd_decrby(struct kv *kv, struct reply *out,
                      const struct cmd_args *a, int64_t now)
{
    long long by;

    if (!arg_ll(a, 2, &by))
        reply_error(out, NOT_INTEGER);
    else if (by == LLMIN)
        reply_error(out, "ERR decrement would overflow");
    else
        incr_by(kv, out, a, -by, now);
    return 0;
}

static int cmd_mget(struct kv *kv, struct reply *out, const struct cmd_args *a,
                    int64_t now)
{
    reply_array(out, a->n - 1);
    for (size_t i = 1; i < a->n; i++)
        reply_value(out, store_get(&kv->db, arg(a, i), len(a, i), now));
    return 0;
}

static int cmd_mset(struct kv *kv, struct reply *out, const struct cmd_args *a,
                    int64_t now)
{
    (void)now;
    if (a->n % 2 == 0)
        return arity_error(out, "mset");
    for (size_t i = 1; i < a->n; i += 2) {
        if (!store_set(&kv->db, arg(a, i), len(a, i), arg(a, i + 1),
                       len(a, i + 1), 0)) {
            reply_error(out, OOM);
            return 0;
        }
        kv->dirty++;
    }
    reply_status(out, "OK");
    return 0;
}

/* EXPIRE and PEXPIRE, after expireGenericCommand (without its NX/XX/GT/LT
 * options). */
static void expire_by(struct kv *kv, struct reply *out,
                      const struct cmd_args *a, long long unit,
                      const char *name, int64_t now)
{
    struct entry *e;
    long long when;

    if (a->n > 3) {
        char buf[160];

        snprintf(buf, sizeof(buf), "ERR Unsupported option %.*s",
                 (int)(len(a, 3) > 128 ? 128 : len(a, 3)), arg(a, 3));
        reply_error(out, buf);
        return;
    }
    if (!arg_ll(a, 2, &when)) {
        reply_error(out, NOT_INTEGER);
        return;
    }
    if (when > LLMAX / unit || when < LLMIN / unit ||
        when * unit > LLMAX - now) {
        error_fmt(out, "ERR invalid expire time in '%s' command", name);
        return;
    }
    when = when * unit + now;
    e = store_get(&kv->db, arg(a, 1), len(a, 1), now);
    if (!e) {
        reply_int(out, 0);
        return;
    }
    if (when <= now) /* a time in the past deletes the key */
        store_del(&kv->db, arg(a, 1), len(a, 1), now);
    else
        store_set_expire(&kv->db, e, when);
    kv->dirty++;
    reply_int(out, 1);
}

static int cmd_expire(struct kv *kv, struct reply *out,
                      const struct cmd_args *a, int64_t now)
{
    expire_by(kv, out, a, 1000, "expire", now);
    return 0;
}

static int cmd_pexpire(struct kv *kv, struct reply *out,
                       const struct cmd_args *a, int64_t now)
{
    expire_by(kv, out, a, 1, "pexpire", now);
    return 0;
}

static void ttl_in(struct kv *kv, struct reply *out, const struct cmd_args *a,
                   int64_t unit, int64_t now)
{
    struct entry *e = store_get(&kv->db, arg(a, 1), len(a, 1), now);
    int64_t left;

    if (!e) {
        reply_int(out, -2);
        return;
    }
    if (!e->expire_ms) {
        reply_int(out, -1);
        return;
    }
    left = e->expire_ms - now;
    reply_int(out, (left + unit / 2) / unit); /* rounded, as Redis does */
}

static int cmd_ttl(struct kv *kv, struct reply *out, const struct cmd_args *a,
                   int64_t now)
{
    ttl_in(kv, out, a, 1000, now);
    return 0;
}

static int cmd_pttl(struct kv *kv, struct reply *out, const struct cmd_args *a,
                    int64_t now)
{
    ttl_in(kv, out, a, 1, now);
    return 0;
}

static int cmd_dbsize(struct kv *kv, struct reply *out,
                      const struct cmd_args *a, int64_t now)
{
    (void)a, (void)now;
    reply_int(out, store_count(&kv->db));
    return 0;
}

static int cmd_flushall(struct kv *kv, struct reply *out,
                        const struct cmd_args *a, int64_t now)
{
    (void)now;
    if (a->n > 2 || (a->n == 2 && !is(a, 1, "async") && !is(a, 1, "sync"))) {
        reply_error(out, SYNTAX);
        return 0;
    }
    kv->dirty += store_count(&kv->db);
    store_clear(&kv->db);
    reply_status(out, "OK");
    return 0;
}

static int cmd_info(struct kv *kv, struct reply *out, const struct cmd_args *a,
                    int64_t now)
{
    char buf[1024];
    int n;

    (void)a;
    n = snprintf(buf, sizeof(buf),
                 "# Server\r\nredis_version:7.0.0\r\nredis_mode:standalone\r\n"
                 "server_name:tern-kv\r\nuptime_in_seconds:%lld\r\n"
                 "\r\n# Clients\r\nconnected_clients:%zu\r\nmaxclients:%zu\r\n"
                 "\r\n# Memory\r\nused_memory:%zu\r\nmaxmemory:%zu\r\n"
                 "maxmemory_policy:noeviction\r\n"
                 "\r\n# Persistence\r\nloading:0\r\n"
                 "rdb_changes_since_last_save:%llu\r\nrdb_last_save_time:%lld\r\n"
                 "\r\n# Stats\r\ntotal_commands_processed:%llu\r\n"
                 "expired_keys:%llu\r\n"
                 "\r\n# Keyspace\r\n",
                 (long long)(now - kv->start_ms) / 1000, kv->clients,
                 kv->maxclients, kvmem_used(), kv->maxmemory,
                 (unsigned long long)kv->dirty,
                 (long long)kv->last_save_ms / 1000,
                 (unsigned long long)kv->commands,
                 (unsigned long long)kv->expired);
    if (store_count(&kv->db) && n > 0 && (size_t)n < sizeof(buf))
        n += snprintf(buf + n, sizeof(buf) - n,
                      "db0:keys=%zu,expires=%zu,avg_ttl=0\r\n",
                      store_count(&kv->db), kv->db.expires);
    reply_bulk(out, buf, n > 0 && (size_t)n < sizeof(buf) ? (size_t)n : 0);
    return 0;
}

static int cmd_select(struct kv *kv, struct reply *out,
                      const struct cmd_args *a, int64_t now)
{
    long long db;

    (void)kv, (void)now;
    if (!arg_ll(a, 1, &db))
        reply_error(out, NOT_INTEGER);
    else if (db != 0)
        reply_error(out, "ERR DB index is out of range");
    else
        reply_status(out, "OK");
    return 0;
}

static void unknown_subcommand(struct reply *out, const struct cmd_args *a,
                               const char *cmd)
{
    char buf[200];

    snprintf(buf, sizeof(buf), "ERR unknown subcommand '%.*s'. Try %s HELP.",
             (int)(len(a, 1) > 128 ? 128 : len(a, 1)), arg(a, 1), cmd);
    reply_error(out, buf);
}

static size_t command_count(void);

/* Enough for redis-cli, which asks COMMAND DOCS for its hints and copes
 * with an empty answer. */
static int cmd_command(struct kv *kv, struct reply *out,
                       const struct cmd_args *a, int64_t now)
{
    (void)kv, (void)now;
    if (a->n == 1 || is(a, 1, "docs") || is(a, 1, "info"))
        reply_array(out, 0);
    else if (is(a, 1, "count"))
        reply_int(out, command_count());
    else
        unknown_subcommand(out, a, "COMMAND");
    return 0;
}

/* CONFIG GET for what redis-benchmark asks at start (save, appendonly)
 * and maxmemory; exact names only, no glob patterns. */
static int cmd_config(struct kv *kv, struct reply *out,
                      const struct cmd_args *a, int64_t now)
{
    char mem[24];
    const char *names[] = {"save", "appendonly", "maxmemory"};
    const char *values[] = {"", "no", mem};
    size_t found = 0;

    (void)now;
    if (!is(a, 1, "get")) {
        unknown_subcommand(out, a, "CONFIG");
        return 0;
    }
    if (a->n < 3)
        return arity_error(out, "config|get");
    snprintf(mem, sizeof(mem), "%zu", kv->maxmemory);
    for (size_t i = 2; i < a->n; i++)
        for (size_t k = 0; k < 3; k++)
            found += is(a, i, names[k]);
    reply_array(out, 2 * found);
    for (size_t i = 2; i < a->n; i++)
        for (size_t k = 0; k < 3; k++)
            if (is(a, i, names[k])) {
                reply_bulk(out, names[k], strlen(names[k]));
                reply_bulk(out, values[k], strlen(values[k]));
            }
    return 0;
}

static int cmd_quit(struct kv *kv, struct reply *out, const struct cmd_args *a,
                    int64_t now)
{
    (void)kv, (void)a, (void)now;
    reply_status(out, "OK");
    return KV_CLOSE;
}

static int do_save(struct kv *kv, struct reply *out, const char *ok,
                   int64_t now)
{
    char why[160], msg[200];

    if (!kv->save) {
        reply_error(out, "ERR no disk: set DISK=path");
        return 0;
    }
    if (kv->save(kv, why, sizeof(why))) {
        snprintf(msg, sizeof(msg), "ERR snapshot not saved: %s", why);
        reply_error(out, msg);
        return 0;
    }
    kv->dirty = 0;
    kv->last_save_ms = now;
    reply_status(out, ok);
    return 0;
}

static int cmd_save(struct kv *kv, struct reply *out, const struct cmd_args *a,
                    int64_t now)
{
    (void)a;
    return do_save(kv, out, "OK", now);
}

/* BGSAVE saves in the foreground (there is no fork): the snapshot is on
 * disk when the reply comes, which Redis's wording still describes. */
static int cmd_bgsave(struct kv *kv, struct reply *out,
                      const struct cmd_args *a, int64_t now)
{
    if (a->n > 2 || (a->n == 2 && !is(a, 1, "schedule"))) {
        reply_error(out, SYNTAX);
        return 0;
    }
    return do_save(kv, out, "Background saving started", now);
}

static const struct command commands[] = {
    {"get", 2, 0, cmd_get},
    {"set", -3, DENYOOM, cmd_set},
    {"del", -2, 0, cmd_del},
    {"exists", -2, 0, cmd_exists},
    {"incr", 2, DENYOOM, cmd_incr},
    {"decr", 2, DENYOOM, cmd_decr},
    {"incrby", 3, DENYOOM, cmd_incrby},
    {"decrby", 3, DENYOOM, cmd_decrby},
    {"mget", -2, 0, cmd_mget},
    {"mset", -3, DENYOOM, cmd_mset},
    {"expire", -3, 0, cmd_expire},
    {"pexpire", -3, 0, cmd_pexpire},
    {"ttl", 2, 0, cmd_ttl},
    {"pttl", 2, 0, cmd_pttl},
    {"ping", -1, 0, cmd_ping},
    {"echo", 2, 0, cmd_echo},
    {"dbsize", 1, 0, cmd_dbsize},
    {"flushall", -1, 0, cmd_flushall},
    {"info", -1, 0, cmd_info},
    {"select", 2, 0, cmd_select},
    {"command", -1, 0, cmd_command},
    {"config", -2, 0, cmd_config},
    {"quit", -1, 0, cmd_quit},
    {"save", 1, 0, cmd_save},
    {"bgsave", -1, 0, cmd_bgsave},
};

static size_t command_count(void)
{
    return sizeof(commands) / sizeof(commands[0]);
}

static void unknown_command(struct reply *out, const struct cmd_args *a)
{
    char buf[512];
    int n = snprintf(buf, sizeof(buf),
                     "ERR unknown command '%.*s', with args beginning with: ",
                     (int)(len(a, 0) > 128 ? 128 : len(a, 0)), arg(a, 0));
    size_t args = 0;

    /* as Redis: quoted arguments until 128 bytes of them */
    for (size_t i = 1; i < a->n && args < 128; i++) {
        size_t room = 128 - args, l = len(a, i) < room ? len(a, i) : room;
        int m = snprintf(buf + n, sizeof(buf) - n, "'%.*s' ", (int)l,
                         arg(a, i));

        n += m;
        args += m;
    }
    reply_error(out, buf);
}

/* What a write may add: its arguments and an entry per key, roughly. */
static size_t write_cost(const struct cmd_args *a)
{
    size_t cost = 0;

    for (size_t i = 1; i < a->n; i++)
        cost += len(a, i) + store_entry_cost(0, 0);
    return cost;
}

int kv_execute(struct kv *kv, struct reply *out, const struct cmd_args *a,
               int64_t now_ms)
{
    const struct command *c = NULL;

    kv->commands++;
    for (size_t i = 0; i < command_count() && !c; i++)
        if (is(a, 0, commands[i].name))
            c = &commands[i];
    if (!c) {
        unknown_command(out, a);
        return 0;
    }
    if ((c->arity > 0 && a->n != (size_t)c->arity) ||
        (c->arity < 0 && a->n < (size_t)-c->arity))
        return arity_error(out, c->name);
    /* Refuse a write that would pass the limit; Redis refuses once used
     * memory is already past it, which lets one large write overshoot. */
    if ((c->flags & DENYOOM) && kv->maxmemory &&
        kvmem_used() + write_cost(a) > kv->maxmemory) {
        reply_error(out, OOM);
        return 0;
    }
    return c->run(kv, out, a, now_ms);
}
