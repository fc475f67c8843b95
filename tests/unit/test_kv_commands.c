/* kv's commands (apps/kv/commands.c) through the parser, as a client
 * sends them: the replies byte for byte as Redis 7.0 gives them, the
 * error text for wrong arity, unknown commands and bad numbers, the
 * memory limit, and failed allocations. */
#include <stdio.h>
#include <string.h>
#include "../../apps/kv/commands.h"
#include "../../apps/kv/mem.h"
#include "test.h"

#define NOW 1700000000000LL

static struct kv kv;
static struct reply out;
static char got[4096];
static int last_flags;

static void setup(void)
{
    static const uint8_t seed[16] = {9};

    store_clear(&kv.db);
    memset(&kv, 0, sizeof(kv));
    store_init(&kv.db, seed);
    reply_free(&out);
}

/* Send raw protocol bytes; the replies to every command in them. */
static const char *send_raw(const char *req, size_t len, int64_t now)
{
    static char in[4096];
    struct resp_parser p;
    size_t at = 0;

    memcpy(in, req, len);
    resp_init(&p, 1024, 4096);
    out.len = 0;
    last_flags = 0;
    while (at < len) {
        enum resp_status st = resp_parse(&p, in + at, len - at);

        if (st == RESP_MORE)
            break;
        if (st == RESP_ERROR) {
            reply_error(&out, p.error);
            break;
        }
        if (p.argc) {
            struct cmd_args a = {in + at, p.argv, p.argc};

            last_flags |= kv_execute(&kv, &out, &a, now);
        }
        at += p.pos;
        resp_next(&p);
    }
    resp_free(&p);
    snprintf(got, sizeof(got), "%.*s", (int)out.len, out.data ? out.data : "");
    return got;
}

static const char *at(const char *inline_cmd, int64_t now)
{
    char req[1024];

    snprintf(req, sizeof(req), "%s\r\n", inline_cmd);
    return send_raw(req, strlen(req), now);
}

static const char *cmd(const char *inline_cmd)
{
    return at(inline_cmd, NOW);
}

static int replies(const char *inline_cmd, const char *want)
{
    const char *r = cmd(inline_cmd);

    if (strcmp(r, want)) {
        printf("#   %s: got \"%s\"\n", inline_cmd, r);
        return 0;
    }
    return 1;
}

TEST(kv_cmd_strings)
{
    setup();
    CHECK(replies("PING", "+PONG\r\n"));
    CHECK(replies("ping hello", "$5\r\nhello\r\n"));
    CHECK(replies("ECHO \"a\\r\\nb\"", "$4\r\na\r\nb\r\n"));
    CHECK(replies("GET k", "$-1\r\n"));
    CHECK(replies("SET k v", "+OK\r\n"));
    CHECK(replies("get k", "$1\r\nv\r\n"));
    CHECK(replies("SET k w NX", "$-1\r\n"));
    CHECK(replies("SET k w XX", "+OK\r\n"));
    CHECK(replies("SET n w XX", "$-1\r\n"));
    CHECK(replies("SET n 1 NX", "+OK\r\n"));
    CHECK(replies("SET k x GET", "$1\r\nw\r\n"));
    CHECK(replies("MSET a 1 b 2", "+OK\r\n"));
    CHECK(replies("MGET a nope b", "*3\r\n$1\r\n1\r\n$-1\r\n$1\r\n2\r\n"));
    CHECK(replies("EXISTS a a nope", ":2\r\n"));
    CHECK(replies("DEL a nope b", ":2\r\n"));
    CHECK(replies("DBSIZE", ":2\r\n"));
    CHECK(replies("FLUSHALL", "+OK\r\n"));
    CHECK(replies("DBSIZE", ":0\r\n"));
    CHECK(replies("SELECT 0", "+OK\r\n"));
    CHECK(replies("SELECT 1", "-ERR DB index is out of range\r\n"));
}

TEST(kv_cmd_counters)
{
    setup();
    CHECK(replies("INCR c", ":1\r\n"));
    CHECK(replies("INCRBY c 41", ":42\r\n"));
    CHECK(replies("DECR c", ":41\r\n"));
    CHECK(replies("DECRBY c 50", ":-9\r\n"));
    CHECK(replies("GET c", "$2\r\n-9\r\n"));
    CHECK(replies("SET s abc", "+OK\r\n"));
    CHECK(replies("INCR s", "-ERR value is not an integer or out of range\r\n"));
    CHECK(replies("SET s \" 1\"", "+OK\r\n"));
    CHECK(replies("INCR s", "-ERR value is not an integer or out of range\r\n"));
    CHECK(replies("INCRBY c 1x", "-ERR value is not an integer or out of range\r\n"));
    CHECK(replies("SET m 9223372036854775806", "+OK\r\n"));
    CHECK(replies("INCR m", ":9223372036854775807\r\n"));
    CHECK(replies("INCR m", "-ERR increment or decrement would overflow\r\n"));
    CHECK(replies("SET m -9223372036854775808", "+OK\r\n"));
    CHECK(replies("DECR m", "-ERR increment or decrement would overflow\r\n"));
    CHECK(replies("DECRBY c -9223372036854775808",
                  "-ERR decrement would overflow\r\n"));
}

TEST(kv_cmd_expiry)
{
    setup();
    CHECK(replies("TTL k", ":-2\r\n"));
    CHECK(replies("SET k v EX 10", "+OK\r\n"));
    CHECK(replies("TTL k", ":10\r\n"));
    CHECK(!strcmp(at("TTL k", NOW + 2400), ":8\r\n")); /* rounded */
    CHECK(!strcmp(at("GET k", NOW + 10000), "$-1\r\n"));
    CHECK(replies("SET k v PX 1500", "+OK\r\n"));
    CHECK(replies("PTTL k", ":1500\r\n"));
    CHECK(replies("SET k v2 KEEPTTL", "+OK\r\n"));
    CHECK(replies("PTTL k", ":1500\r\n"));
    CHECK(replies("SET k v3", "+OK\r\n"));
    CHECK(replies("TTL k", ":-1\r\n"));
    CHECK(replies("EXPIRE k 100", ":1\r\n"));
    CHECK(replies("TTL k", ":100\r\n"));
    CHECK(replies("INCR n", ":1\r\n"));
    CHECK(replies("EXPIRE n 5", ":1\r\n"));
    CHECK(replies("INCR n", ":2\r\n"));
    CHECK(replies("TTL n", ":5\r\n")); /* INCR keeps the time to live */
    CHECK(replies("EXPIRE nope 100", ":0\r\n"));
    CHECK(replies("EXPIRE k -1", ":1\r\n")); /* the past: deleted */
    CHECK(replies("EXISTS k", ":0\r\n"));
    CHECK(replies("SET k v EX 0",
                  "-ERR invalid expire time in 'set' command\r\n"));
    CHECK(replies("SET k v PX -5",
                  "-ERR invalid expire time in 'set' command\r\n"));
    CHECK(replies("SET k v EX 9223372036854775",
                  "-ERR invalid expire time in 'set' command\r\n"));
    CHECK(replies("SET k v EX ten",
                  "-ERR value is not an integer or out of range\r\n"));
    CHECK(replies("EXPIRE n 9223372036854775807",
                  "-ERR invalid expire time in 'expire' command\r\n"));
    CHECK(replies("EXPIRE n 1 NX", "-ERR Unsupported option NX\r\n"));
}

TEST(kv_cmd_errors_as_redis)
{
    setup();
    CHECK(replies("GET", "-ERR wrong number of arguments for 'get' command\r\n"));
    CHECK(replies("GET a b",
                  "-ERR wrong number of arguments for 'get' command\r\n"));
    CHECK(replies("SET a", "-ERR wrong number of arguments for 'set' command\r\n"));
    CHECK(replies("MSET a 1 b",
                  "-ERR wrong number of arguments for 'mset' command\r\n"));
    CHECK(replies("PING a b",
                  "-ERR wrong number of arguments for 'ping' command\r\n"));
    CHECK(replies("DBSIZE x",
                  "-ERR wrong number of arguments for 'dbsize' command\r\n"));
    CHECK(replies("SET a b NX XX", "-ERR syntax error\r\n"));
    CHECK(replies("SET a b EX 1 PX 1", "-ERR syntax error\r\n"));
    CHECK(replies("SET a b EX", "-ERR syntax error\r\n"));
    CHECK(replies("SET a b KEEPTTL EX 5", "-ERR syntax error\r\n"));
    CHECK(replies("FLUSHALL now", "-ERR syntax error\r\n"));
    CHECK(replies("NOSUCH", "-ERR unknown command 'NOSUCH', with args "
                            "beginning with: \r\n"));
    CHECK(replies("nosuch a 'b c'", "-ERR unknown command 'nosuch', with "
                  "args beginning with: 'a' 'b c' \r\n"));
    CHECK(replies("COMMAND NOPE",
                  "-ERR unknown subcommand 'NOPE'. Try COMMAND HELP.\r\n"));
}

TEST(kv_cmd_hostile_names_stay_one_line)
{
    /* CR/LF inside a multibulk argument must not end the error line */
    const char req[] = "*2\r\n$8\r\nX\r\n+OK\r\n\r\n$3\r\n\r\n:\r\n";
    char big[700];

    setup();
    CHECK(!strcmp(send_raw(req, sizeof(req) - 1, NOW),
                  "-ERR unknown command 'X  +OK  ', with args beginning "
                  "with: '  :' \r\n"));
    /* a long name and long arguments are cut at 128 bytes, as Redis does */
    memset(big, 'z', sizeof(big));
    memcpy(big + 300, " ", 1);
    big[sizeof(big) - 1] = 0;
    cmd(big);
    CHECK(strlen(got) < 128 + 128 + 70);
    CHECK(!strncmp(got, "-ERR unknown command 'zzz", 25));
    CHECK(strstr(got, "\r\n") == got + strlen(got) - 2);
}

TEST(kv_cmd_what_clients_ask_at_start)
{
    setup();
    kv.maxmemory = 1234;
    /* redis-benchmark 7.0 reads these two before it starts */
    CHECK(replies("CONFIG GET save",
                  "*2\r\n$4\r\nsave\r\n$0\r\n\r\n"));
    CHECK(replies("CONFIG GET appendonly",
                  "*2\r\n$10\r\nappendonly\r\n$2\r\nno\r\n"));
    CHECK(replies("CONFIG GET maxmemory nosuch",
                  "*2\r\n$9\r\nmaxmemory\r\n$4\r\n1234\r\n"));
    CHECK(replies("CONFIG GET nosuch", "*0\r\n"));
    /* redis-cli asks COMMAND DOCS for its hints */
    CHECK(replies("COMMAND DOCS", "*0\r\n"));
    CHECK(replies("COMMAND COUNT", ":25\r\n"));
    CHECK(!strncmp(cmd("INFO"), "$", 1) && strstr(got, "redis_version:"));
    CHECK(replies("QUIT", "+OK\r\n") && last_flags == KV_CLOSE);
}

static int save_calls, save_fails;

static int fake_save(struct kv *k, char *why, size_t len)
{
    (void)k;
    save_calls++;
    if (save_fails)
        snprintf(why, len, "disk full");
    return save_fails ? -1 : 0;
}

TEST(kv_cmd_save)
{
    setup();
    CHECK(replies("SAVE", "-ERR no disk: set DISK=path\r\n"));
    kv.save = fake_save;
    CHECK(replies("SAVE", "+OK\r\n") && save_calls == 1);
    CHECK(replies("BGSAVE", "+Background saving started\r\n") &&
          save_calls == 2);
    save_fails = 1;
    CHECK(replies("SAVE", "-ERR snapshot not saved: disk full\r\n"));
    save_fails = 0;
}

TEST(kv_cmd_maxmemory)
{
    static char req[8192];

    setup();
    kv.maxmemory = kvmem_used() + 2048;
    CHECK(replies("SET small v", "+OK\r\n"));
    snprintf(req, sizeof(req), "SET big %03000d\r\n", 7);
    CHECK(!strcmp(send_raw(req, strlen(req), NOW),
                  "-OOM command not allowed when used memory > "
                  "'maxmemory'.\r\n"));
    CHECK(replies("EXISTS big", ":0\r\n"));
    CHECK(replies("GET small", "$1\r\nv\r\n")); /* reads still served */
    CHECK(replies("INCR small",
                  "-ERR value is not an integer or out of range\r\n"));
    kv.maxmemory = 0;
    CHECK(!strcmp(send_raw(req, strlen(req), NOW), "+OK\r\n"));
}

TEST(kv_cmd_failed_allocation_is_oom_reply)
{
    setup();
    CHECK(replies("SET a 1", "+OK\r\n"));
    cmd("PING"); /* the reply buffer exists: only the store will fail */
    kvmem_fail_after(0);
    cmd("SET b 2");
    kvmem_fail_after(-1);
    CHECK(!strcmp(got, "-OOM command not allowed when used memory > "
                       "'maxmemory'.\r\n"));
    kvmem_fail_after(0);
    cmd("INCR a");
    kvmem_fail_after(-1);
    CHECK(!strncmp(got, "-OOM", 4));
    CHECK(replies("MGET a b", "*2\r\n$1\r\n1\r\n$-1\r\n"));
    /* a reply that cannot grow marks the buffer failed, never truncates */
    reply_free(&out);
    kvmem_fail_after(0);
    reply_status(&out, "OK");
    kvmem_fail_after(-1);
    CHECK(out.failed && out.len == 0);
    reply_free(&out);
    store_clear(&kv.db);
}
