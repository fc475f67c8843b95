/* The xenstore client (lib/xenbus: xs_ring.c, xs_reply.c, xenstore.c)
 * against the simulated store in xs_sim.c, honest and hostile. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <tern/xs_reply.h>
#include <tern/xs_ring.h>
#include <tern/xenstore.h>
#include "test.h"
#include "xs_sim.h"

#define TIMEOUT 5000000000ull

static struct xs_sim *sim;
static struct xs_client *xs;

static void setup(void)
{
    xs_sim_fresh(&sim, &xs, TIMEOUT);
    log_clear();
}

TEST(xs_ring_copies_across_the_wrap)
{
    static struct xenstore_domain_interface x;
    struct xs_ring_fault f;
    char out[8];

    memset(&x, 0, sizeof(x));
    x.rsp_cons = x.rsp_prod = 0xfffffffe; /* indices about to wrap */
    for (int i = 0; i < 4; i++)
        x.rsp[(0xfffffffeu + i) & 1023] = (char)('a' + i);
    x.rsp_prod += 4;
    CHECK(xs_ring_read(&x, out, 3, &f) == 3 && !memcmp(out, "abc", 3));
    CHECK(xs_ring_read(&x, out, 8, &f) == 1 && out[0] == 'd');
    CHECK(xs_ring_read(&x, out, 8, &f) == 0);
    x.req_cons = x.req_prod = 0xfffffffe;
    CHECK(xs_ring_write(&x, "xyz", 3, &f) == 3 && x.req_prod == 1);
    CHECK(x.req[1022] == 'x' && x.req[1023] == 'y' && x.req[0] == 'z');
}

TEST(xs_ring_refuses_lying_indices)
{
    static struct xenstore_domain_interface x;
    struct xs_ring_fault f = {0, 0};
    char out[4] = "---";

    memset(&x, 0, sizeof(x));
    x.rsp_prod = 1025; /* more than the ring ahead */
    CHECK(xs_ring_read(&x, out, 4, &f) == -1);
    CHECK(f.prod == 1025 && f.cons == 0 && x.rsp_cons == 0);
    CHECK(!strcmp(out, "---"));
    x.rsp_prod = 1024; /* exactly full is honest */
    CHECK(xs_ring_read(&x, out, 4, &f) == 4);
    x.req_cons = 7; /* consumer ahead of producer: 2^32 - 7 in flight */
    CHECK(xs_ring_write(&x, "a", 1, &f) == -1 && x.req_prod == 0);
    x.req_cons = 0;
    x.req_prod = 1024; /* full */
    CHECK(xs_ring_write(&x, "a", 1, &f) == 0);
}

TEST(xs_reply_header_bounds_and_types)
{
    struct xsd_sockmsg h = {XS_READ, 1, 0, XENSTORE_PAYLOAD_MAX};

    CHECK(xs_header_check(&h) == 0);
    h.len = XENSTORE_PAYLOAD_MAX + 1;
    CHECK(xs_header_check(&h) == -EPROTO);
    h.len = 0;
    h.type = 20; /* XS_RESTRICT, removed from the protocol */
    CHECK(xs_header_check(&h) == -EPROTO);
    h.type = XS_INVALID;
    CHECK(xs_header_check(&h) == -EPROTO);
    h.type = XS_DIRECTORY_PART;
    CHECK(xs_header_check(&h) == 0);
}

TEST(xs_reply_errors_and_lists)
{
    const char *names[3], *path, *token;

    CHECK(xs_error_errno("ENOENT", 7) == ENOENT);
    CHECK(xs_error_errno("EAGAIN", 7) == EAGAIN);
    CHECK(xs_error_errno("ENOENTX", 8) == EIO);
    CHECK(xs_error_errno("ENOENT", 6) == EIO); /* no NUL inside */
    CHECK(xs_dir_split("a\0bc\0", 5, names, 3) == 2 &&
          !strcmp(names[1], "bc"));
    CHECK(xs_dir_split("", 0, names, 3) == 0);
    CHECK(xs_dir_split("a\0bc", 4, names, 3) == -EPROTO);
    CHECK(xs_dir_split("a\0b\0c\0d\0", 8, names, 3) == -E2BIG);
    CHECK(xs_watch_event_parse("p\0t\0", 4, &path, &token) == 0 &&
          !strcmp(path, "p") && !strcmp(token, "t"));
    CHECK(xs_watch_event_parse("p\0", 2, &path, &token) == -EPROTO);
    CHECK(xs_watch_event_parse("p\0t\0x\0", 6, &path, &token) == -EPROTO);
}

TEST(xs_parse_u32_strict)
{
    uint32_t v = 7;

    CHECK(xs_parse_u32("4294967295", 10, &v) == 0 && v == 4294967295u);
    CHECK(xs_parse_u32("4294967296", 10, &v) == -EINVAL);
    CHECK(xs_parse_u32("12", 3, &v) == 0 && v == 12); /* "12\0" */
    CHECK(xs_parse_u32("", 0, &v) == -EINVAL);
    CHECK(xs_parse_u32("1a", 2, &v) == -EINVAL);
    CHECK(xs_parse_u32("-1", 2, &v) == -EINVAL);
    CHECK(xs_parse_u32("00000000001", 11, &v) == -EINVAL);
}

TEST(xenstore_write_read_directory)
{
    char buf[64];
    const char *names[4];

    setup();
    CHECK(xs_write(xs, 0, "data/a", "1") == 0);
    CHECK(xs_write(xs, 0, "data/b/c", "2") == 0);
    CHECK(xs_read(xs, 0, "data/a", buf, sizeof(buf)) == 1 &&
          !strcmp(buf, "1"));
    CHECK(xs_read(xs, 0, "data/zz", buf, sizeof(buf)) == -ENOENT);
    CHECK(xs_read(xs, 0, "data/a", buf, 1) == -E2BIG);
    CHECK(xs_directory(xs, 0, "data", buf, sizeof(buf), names, 4) == 2);
    CHECK(!strcmp(names[0], "a") && !strcmp(names[1], "b"));
    CHECK(xs_directory(xs, 0, "data", buf, sizeof(buf), names, 1) == -E2BIG);
    CHECK(xs_rm(xs, 0, "data/a") == 0 &&
          xs_read(xs, 0, "data/a", buf, sizeof(buf)) == -ENOENT);
    CHECK(xs->dropped_replies == 0 && !xs->broken);
}

TEST(xenstore_messages_longer_than_the_ring)
{
    static char big[3001], back[3100];

    setup();
    memset(big, 'q', 3000);
    CHECK(xs_write(xs, 0, "data/big", big) == 0); /* 3 KiB request */
    CHECK(strlen(xs_sim_get(sim, "data/big")) == 3000);
    CHECK(xs_read(xs, 0, "data/big", back, sizeof(back)) == 3000);
    CHECK(!memcmp(back, big, 3000));
    memset(big, 'q', sizeof(big) - 1);
    static char huge[XENSTORE_PAYLOAD_MAX + 8];
    memset(huge, 'h', sizeof(huge) - 1);
    CHECK(xs_write(xs, 0, "data/huge", huge) == -E2BIG);
}

TEST(xenstore_silent_store_times_out_with_a_line)
{
    char buf[8];
    uint64_t t0;

    setup();
    sim->silent = true;
    t0 = sim->clock;
    CHECK(xs_read(xs, 0, "name", buf, sizeof(buf)) == -ETIMEDOUT);
    CHECK(sim->clock - t0 >= TIMEOUT);
    CHECK(log_contains("no reply to XS_READ name"));
    CHECK(xs->timeouts == 1 && !xs->broken);
    /* a timeout leaves the connection usable */
    sim->silent = false;
    xs_sim_set(sim, "name", "n");
    CHECK(xs_read(xs, 0, "name", buf, sizeof(buf)) == 1);
}

TEST(xenstore_deaf_store_times_out_and_gives_up)
{
    static char big[2000];

    setup();
    sim->deaf = true;
    memset(big, 'd', sizeof(big) - 1);
    CHECK(xs_write(xs, 0, "k", big) == -ETIMEDOUT);
    CHECK(log_contains("took no request bytes"));
    CHECK(xs->broken);
    CHECK(xs_write(xs, 0, "k", "v") == -EIO);
}

TEST(xenstore_unknown_request_id_dropped)
{
    char buf[8];

    setup();
    xs_sim_set(sim, "k", "v");
    sim->unknown_id_first = true;
    CHECK(xs_read(xs, 0, "k", buf, sizeof(buf)) == 1 && !strcmp(buf, "v"));
    CHECK(xs->dropped_replies == 1);
    CHECK(log_contains("XS_READ reply for request 1001, which is not in "
                       "flight: dropped"));
}

TEST(xenstore_bad_length_ends_the_connection)
{
    char buf[8];

    setup();
    xs_sim_set(sim, "k", "v");
    sim->bad_len = true;
    CHECK(xs_read(xs, 0, "k", buf, sizeof(buf)) == -EIO);
    CHECK(log_contains("5000 bytes (at most 4096): connection given up"));
    CHECK(xs->broken);
    sim->requests = 0;
    CHECK(xs_read(xs, 0, "k", buf, sizeof(buf)) == -EIO);
    CHECK(sim->requests == 0); /* nothing more sent */
}

TEST(xenstore_index_jump_ends_the_connection)
{
    char buf[8];

    setup();
    xs_sim_set(sim, "k", "v");
    sim->idx_jump = true;
    CHECK(xs_read(xs, 0, "k", buf, sizeof(buf)) == -EIO);
    CHECK(log_contains("response ring indices lie"));
    CHECK(xs->broken);
}

TEST(xenstore_wrong_type_and_unknown_error)
{
    char buf[8];

    setup();
    xs_sim_set(sim, "k", "v");
    sim->wrong_type = true;
    CHECK(xs_read(xs, 0, "k", buf, sizeof(buf)) == -EPROTO);
    CHECK(log_contains("XS_WRITE reply to XS_READ k"));
    sim->wrong_type = false;
    sim->error = "EWHATEVER";
    CHECK(xs_read(xs, 0, "k", buf, sizeof(buf)) == -EIO);
    sim->error = "EACCES";
    CHECK(xs_read(xs, 0, "k", buf, sizeof(buf)) == -EACCES);
    CHECK(!xs->broken);
}

TEST(xenstore_directory_without_final_nul)
{
    char buf[64];
    const char *names[4];

    setup();
    xs_sim_set(sim, "d/x", "1");
    sim->dir_no_nul = true;
    CHECK(xs_directory(xs, 0, "d", buf, sizeof(buf), names, 4) == -EPROTO);
    CHECK(log_contains("does not end in a NUL"));
}

TEST(xenstore_watch_fires_on_registration_and_writes)
{
    struct xs_watch w = {0};

    setup();
    CHECK(xs_watch(xs, &w, "data/k") == 0);
    CHECK(xs_watch_wait(xs, &w, TIMEOUT) == 0 && !strcmp(w.last, "data/k"));
    CHECK(xs_watch_wait(xs, &w, 1000000) == -ETIMEDOUT);
    xs_sim_set(sim, "data/k/sub", "x"); /* another domain writes */
    CHECK(xs_watch_wait(xs, &w, TIMEOUT) == 0 &&
          !strcmp(w.last, "data/k/sub"));
    CHECK(xs_unwatch(xs, &w) == 0);
    xs_sim_set(sim, "data/k", "y");
    CHECK(xs_watch_wait(xs, &w, 1000000) == -ETIMEDOUT);
}

TEST(xenstore_event_for_unknown_token_dropped)
{
    struct xs_watch w = {0};
    char buf[8];

    setup();
    xs_sim_set(sim, "k", "v");
    CHECK(xs_watch(xs, &w, "elsewhere") == 0);
    CHECK(xs_watch_wait(xs, &w, TIMEOUT) == 0); /* its registration */
    sim->bogus_event = true;
    CHECK(xs_read(xs, 0, "k", buf, sizeof(buf)) == 1);
    CHECK(xs->dropped_events == 1 && w.pending == 0);
    CHECK(log_contains("token \"nobody's\", which no watch holds"));
}

TEST(xenstore_wait_read_waits_for_a_later_write)
{
    char buf[16];

    setup();
    sim->later_at = sim->clock + 2000000000ull;
    strcpy(sim->later_path, "backend/state");
    strcpy(sim->later_value, "2");
    CHECK(xs_wait_read(xs, "backend/state", buf, sizeof(buf), TIMEOUT) == 1);
    CHECK(!strcmp(buf, "2"));
    CHECK(xs_wait_read(xs, "never", buf, sizeof(buf), 1000000000ull) ==
          -ETIMEDOUT);
}

static int bump(struct xs_client *c, xs_tx tx, void *arg)
{
    (*(int *)arg)++;
    return xs_write(c, tx, "n", "1") ? -EIO : 0;
}

TEST(xenstore_transactions_retry_eagain_bounded)
{
    xs_tx tx = 0;
    int runs = 0;

    setup();
    CHECK(xs_transaction_start(xs, &tx) == 0 && tx == 1);
    CHECK(xs_transaction_end(xs, tx, false) == 0);
    sim->eagain_commits = 3;
    CHECK(xs_transaction_run(xs, bump, &runs, "bump") == 0);
    CHECK(runs == 4 && xs->tx_retries == 3);
    sim->eagain_commits = 1000;
    runs = 0;
    CHECK(xs_transaction_run(xs, bump, &runs, "bump") == -EAGAIN);
    CHECK(runs == XS_TX_RETRIES + 1);
    CHECK(log_contains("transaction bump still conflicting after 9 tries"));
}
