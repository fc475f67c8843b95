/* kv's RESP parser (apps/kv/resp.c): commands whole, in pieces and
 * pipelined, inline commands with quotes, and every bad input Redis has
 * an error reply for, with Redis's text. */
#include <string.h>
#include "../../apps/kv/mem.h"
#include "../../apps/kv/resp.h"
#include "test.h"

static struct resp_parser p;
static char buf[200000];

static enum resp_status parse(const char *s, size_t len)
{
    memcpy(buf, s, len);
    return resp_parse(&p, buf, len);
}

static enum resp_status parse_str(const char *s)
{
    return parse(s, strlen(s));
}

static int arg_is(size_t i, const char *want)
{
    return i < p.argc && p.argv[i].len == strlen(want) &&
           !memcmp(buf + p.argv[i].off, want, p.argv[i].len);
}

static void fresh(void)
{
    resp_free(&p);
    resp_init(&p, 1024, 1000);
}

TEST(kv_resp_multibulk_whole)
{
    const char *cmd = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n";

    fresh();
    CHECK(parse_str(cmd) == RESP_COMMAND);
    CHECK(p.argc == 3 && arg_is(0, "SET") && arg_is(1, "k") && arg_is(2, ""));
    CHECK(p.pos == strlen(cmd));
    resp_free(&p);
}

TEST(kv_resp_every_split_point)
{
    const char *cmd = "*2\r\n$4\r\nECHO\r\n$5\r\nab\r\nc\r\n";
    size_t n = strlen(cmd);

    /* fed a byte at a time into the same buffer, as the socket may */
    fresh();
    memcpy(buf, cmd, n);
    for (size_t have = 0; have < n; have++)
        CHECK(resp_parse(&p, buf, have) == RESP_MORE);
    CHECK(resp_parse(&p, buf, n) == RESP_COMMAND);
    CHECK(p.argc == 2 && arg_is(0, "ECHO") && arg_is(1, "ab\r\nc"));
    CHECK(p.pos == n);
    resp_free(&p);
}

TEST(kv_resp_pipelined)
{
    const char *two = "*1\r\n$4\r\nPING\r\nPING x\r\n";
    size_t first;

    fresh();
    CHECK(parse_str(two) == RESP_COMMAND && arg_is(0, "PING") && p.argc == 1);
    first = p.pos;
    CHECK(first == 14);
    resp_next(&p);
    CHECK(resp_parse(&p, buf + first, strlen(two) - first) == RESP_COMMAND);
    CHECK(p.argc == 2);
    CHECK(p.argv[1].len == 1 && buf[first + p.argv[1].off] == 'x');
    resp_free(&p);
}

TEST(kv_resp_inline_quotes)
{
    fresh();
    CHECK(parse_str("  SET k \"a b\\x41\\n\" 'it\\'s' \r\n") == RESP_COMMAND);
    CHECK(p.argc == 4 && arg_is(0, "SET") && arg_is(1, "k"));
    CHECK(arg_is(2, "a bA\n") && arg_is(3, "it's"));
    resp_next(&p);
    CHECK(parse_str("GET k") == RESP_MORE); /* no newline yet */
    resp_next(&p);
    CHECK(parse_str("\r\n") == RESP_COMMAND && p.argc == 0 && p.pos == 2);
    resp_next(&p);
    CHECK(parse_str("*0\r\n") == RESP_COMMAND && p.argc == 0 && p.pos == 4);
    resp_next(&p);
    CHECK(parse_str("*-1\r\n") == RESP_COMMAND && p.argc == 0);
    resp_free(&p);
}

static int fails_with(const char *in, size_t len, const char *error)
{
    enum resp_status st;

    fresh();
    st = parse(in, len);
    if (st != RESP_ERROR || strcmp(p.error, error)) {
        printf("#   input %.40s: status %d, error '%s'\n", in, st, p.error);
        return 0;
    }
    return 1;
}

#define FAILS(in, error) fails_with(in, strlen(in), error)

TEST(kv_resp_bad_lengths)
{
    CHECK(FAILS("*abc\r\n", "ERR Protocol error: invalid multibulk length"));
    CHECK(FAILS("*1025\r\n", "ERR Protocol error: invalid multibulk length"));
    CHECK(FAILS("*99999999999999999999\r\n",
                "ERR Protocol error: invalid multibulk length"));
    CHECK(FAILS("*1\r\n$-1\r\n", "ERR Protocol error: invalid bulk length"));
    CHECK(FAILS("*1\r\n$1001\r\n", "ERR Protocol error: invalid bulk length"));
    CHECK(FAILS("*1\r\n$x\r\n", "ERR Protocol error: invalid bulk length"));
    CHECK(FAILS("*1\r\n$3\r\nabcXY", "ERR Protocol error: invalid bulk length"));
    CHECK(FAILS("*1\r\n+OK\r\n", "ERR Protocol error: expected '$', got '+'"));
    CHECK(FAILS("*1\r\n\r\n", "ERR Protocol error: expected '$', got ' '"));
    CHECK(FAILS("GET \"abc\r\n",
                "ERR Protocol error: unbalanced quotes in request"));
    CHECK(FAILS("GET \"a\"b\r\n",
                "ERR Protocol error: unbalanced quotes in request"));
    resp_free(&p);
}

TEST(kv_resp_oversized_lines)
{
    static char big[RESP_INLINE_MAX + 10];

    memset(big, 'A', sizeof(big));
    CHECK(fails_with(big, sizeof(big),
                     "ERR Protocol error: too big inline request"));
    /* just under the limit, it waits for the newline */
    fresh();
    CHECK(parse(big, RESP_INLINE_MAX) == RESP_MORE);
    big[0] = '*';
    CHECK(fails_with(big, sizeof(big),
                     "ERR Protocol error: too big mbulk count string"));
    memcpy(big, "*1\r\n$", 5);
    CHECK(fails_with(big, sizeof(big),
                     "ERR Protocol error: too big bulk count string"));
    resp_free(&p);
}

TEST(kv_resp_out_of_memory_is_an_error)
{
    size_t before = kvmem_used();

    fresh();
    kvmem_fail_after(0);
    CHECK(parse_str("*1\r\n$4\r\nPING\r\n") == RESP_ERROR);
    kvmem_fail_after(-1);
    CHECK(!strncmp(p.error, "OOM ", 4));
    resp_free(&p);
    CHECK(kvmem_used() == before);
}

TEST(kv_resp_strtoll_as_redis)
{
    long long v;

    CHECK(resp_strtoll("0", 1, &v) && v == 0);
    CHECK(resp_strtoll("-12", 3, &v) && v == -12);
    CHECK(resp_strtoll("9223372036854775807", 19, &v) && v == __LONG_LONG_MAX__);
    CHECK(resp_strtoll("-9223372036854775808", 20, &v) &&
          v == -__LONG_LONG_MAX__ - 1);
    CHECK(!resp_strtoll("9223372036854775808", 19, &v));
    CHECK(!resp_strtoll("-9223372036854775809", 20, &v));
    CHECK(!resp_strtoll("", 0, &v));
    CHECK(!resp_strtoll("-", 1, &v));
    CHECK(!resp_strtoll("-0", 2, &v));
    CHECK(!resp_strtoll("007", 3, &v));
    CHECK(!resp_strtoll("+1", 2, &v));
    CHECK(!resp_strtoll("1 ", 2, &v));
    CHECK(!resp_strtoll("1\0", 2, &v));
}
