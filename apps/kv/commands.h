/* The command subset: a table of Redis commands with Redis's arity rules
 * and error replies.  Pure: a command reads its arguments and the store
 * and writes its reply; SAVE goes through a hook the server supplies. */
#ifndef KV_COMMANDS_H
#define KV_COMMANDS_H

#include <stddef.h>
#include <stdint.h>
#include "reply.h"
#include "resp.h"
#include "store.h"

struct kv {
    struct store db;
    size_t maxmemory;       /* 0: no limit */
    size_t clients, maxclients;
    uint64_t commands, dirty, expired;
    int64_t start_ms, last_save_ms;
    /* SAVE: 0, or -1 with a reason in why */
    int (*save)(struct kv *kv, char *why, size_t len);
    void *save_arg;
};

/* One command's arguments: argv[i] is base + v[i].off, v[i].len bytes. */
struct cmd_args {
    const char *base;
    const struct resp_arg *v;
    size_t n;
};

#define KV_CLOSE 1 /* reply, then close the connection (QUIT) */

/* Run one command (args.n >= 1); returns 0 or KV_CLOSE. */
int kv_execute(struct kv *kv, struct reply *out, const struct cmd_args *a,
               int64_t now_ms);

#endif
