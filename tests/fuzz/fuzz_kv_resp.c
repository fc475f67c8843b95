/*
 * libFuzzer target: kv's RESP parser (apps/kv/resp.c) and the commands
 * behind it (apps/kv/commands.c), as a client drives them.  The first
 * input byte picks a read size (1-64); the rest is the byte stream.
 * The stream is parsed twice: whole, and read by read into a buffer the
 * way the server fills it; both must see the same commands and the same
 * verdict (how TCP cuts the input must not matter).  Each command of the
 * read-by-read pass runs against a small store under a 64 KiB memory
 * limit, and its reply must be exactly one well-formed RESP reply (no
 * stray CR/LF from hostile names, arrays with the elements they claim).
 * Afterwards the store is cleared and kv's memory count is back to where
 * it began.  Any ASan/UBSan report or broken invariant is a crash.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../apps/kv/commands.h"
#include "../../apps/kv/crc32c.h"
#include "../../apps/kv/mem.h"

#define check(ok)                                                         \
    do {                                                                  \
        if (!(ok)) {                                                      \
            fprintf(stderr, "fuzz_kv_resp.c:%d: %s\n", __LINE__, #ok);    \
            abort();                                                      \
        }                                                                 \
    } while (0)

#define MAX_ARGS 64
#define MAX_BULK 4096
#define NOW 1700000000000LL

/* Length of one RESP reply at r[0..n), or 0 if it is not one whole. */
static size_t reply_len(const char *r, size_t n, int depth)
{
    const char *cr;
    size_t line, at;
    long long v;

    if (!n || depth > 4)
        return 0;
    cr = memchr(r, '\r', n);
    if (!cr || (size_t)(cr - r) + 1 >= n || cr[1] != '\n' ||
        memchr(r, '\n', cr - r))
        return 0;
    line = cr - r;
    at = line + 2;
    switch (r[0]) {
    case '+': case '-':
        return at;
    case ':':
        return resp_strtoll(r + 1, line - 1, &v) ? at : 0;
    case '$':
        if (!resp_strtoll(r + 1, line - 1, &v) || v < -1)
            return 0;
        if (v == -1)
            return at;
        if ((size_t)v + 2 > n - at || memcmp(r + at + v, "\r\n", 2))
            return 0;
        return at + v + 2;
    case '*':
        if (!resp_strtoll(r + 1, line - 1, &v) || v < 0)
            return 0;
        for (long long i = 0; i < v; i++) {
            size_t k = reply_len(r + at, n - at, depth + 1);

            if (!k)
                return 0;
            at += k;
        }
        return at;
    }
    return 0;
}

struct trace {
    uint32_t digest; /* over every command's arguments */
    size_t commands;
    enum resp_status last;
    char error[96];
};

static void record(struct trace *t, const struct resp_parser *p,
                   const char *cmd, size_t avail)
{
    check(p->pos > 0 && p->pos <= avail);
    check(p->argc <= MAX_ARGS);
    for (size_t i = 0; i < p->argc; i++) {
        uint32_t len = p->argv[i].len;

        check(p->argv[i].off <= p->pos && len <= p->pos - p->argv[i].off);
        check(len <= MAX_BULK || cmd[0] != '*');
        t->digest = kv_crc32c(t->digest, &len, sizeof(len));
        t->digest = kv_crc32c(t->digest, cmd + p->argv[i].off, len);
    }
    t->commands++;
}

static void finish(struct trace *t, const struct resp_parser *p,
                   enum resp_status st)
{
    t->last = st;
    if (st == RESP_ERROR) {
        check(!strncmp(p->error, "ERR Protocol error: ", 20) ||
              !strncmp(p->error, "OOM ", 4));
        snprintf(t->error, sizeof(t->error), "%s", p->error);
    }
}

static void whole(const uint8_t *data, size_t size, struct trace *t)
{
    char *buf = malloc(size ? size : 1);
    struct resp_parser p;
    size_t start = 0;
    enum resp_status st = RESP_MORE;

    memcpy(buf, data, size);
    resp_init(&p, MAX_ARGS, MAX_BULK);
    while (start < size) {
        st = resp_parse(&p, buf + start, size - start);
        if (st != RESP_COMMAND)
            break;
        record(t, &p, buf + start, size - start);
        start += p.pos;
        resp_next(&p);
    }
    finish(t, &p, st == RESP_COMMAND ? RESP_MORE : st);
    resp_free(&p);
    free(buf);
}

static void run(struct kv *kv, struct resp_parser *p, char *cmd)
{
    struct reply out = {0};
    struct cmd_args a = {cmd, p->argv, p->argc};

    if (!p->argc)
        return;
    kv_execute(kv, &out, &a, NOW);
    check(!out.failed);
    check(reply_len(out.data, out.len, 0) == out.len);
    reply_free(&out);
}

static void by_reads(const uint8_t *data, size_t size, size_t chunk,
                     struct trace *t, struct kv *kv)
{
    char *buf = malloc(size ? size : 1);
    struct resp_parser p;
    size_t start = 0, have = 0;
    enum resp_status st = RESP_MORE;

    resp_init(&p, MAX_ARGS, MAX_BULK);
    while (have < size && st != RESP_ERROR) {
        size_t n = size - have < chunk ? size - have : chunk;

        memcpy(buf + have, data + have, n); /* this read's bytes */
        have += n;
        while (start < have) {
            st = resp_parse(&p, buf + start, have - start);
            if (st != RESP_COMMAND)
                break;
            record(t, &p, buf + start, have - start);
            run(kv, &p, buf + start);
            start += p.pos;
            resp_next(&p);
        }
    }
    finish(t, &p, st == RESP_COMMAND ? RESP_MORE : st);
    resp_free(&p);
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t seed[16] = {1};
    struct trace a = {0}, b = {0};
    struct kv kv;
    size_t before = kvmem_used();

    if (size < 1)
        return 0;
    memset(&kv, 0, sizeof(kv));
    store_init(&kv.db, seed);
    kv.maxmemory = before + 65536;
    whole(data + 1, size - 1, &a);
    by_reads(data + 1, size - 1, 1 + data[0] % 64, &b, &kv);
    check(a.commands == b.commands && a.digest == b.digest);
    check(a.last == b.last && !strcmp(a.error, b.error));
    store_clear(&kv.db);
    check(kvmem_used() == before);
    return 0;
}
