/* The xenbus front-end handshake (lib/xenbus/xenbus.c) against the
 * simulated store with a simulated backend: honest, stalled, lying. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <tern/xenbus.h>
#include "test.h"
#include "xs_sim.h"

#define FE "device/vif/0"
#define BE "/local/domain/0/backend/vif/3/0"
#define SEC 1000000000ull

static struct xs_sim *sim;
static struct xs_client *xs;
static int backend_mode; /* 0 honest, 1 never connects, 2 closes */

/* The backend reacts to the front-end's state as netback would. */
static void backend(struct xs_sim *s, const char *path, const char *value)
{
    if (strcmp(path, FE "/state"))
        return;
    if (!strcmp(value, "3") && backend_mode == 0)
        xs_sim_set(s, BE "/state", "4");
    if (!strcmp(value, "3") && backend_mode == 2)
        xs_sim_set(s, BE "/state", "6");
    if (!strcmp(value, "5"))
        xs_sim_set(s, BE "/state", "6");
}

static void setup(int mode)
{
    xs_sim_fresh(&sim, &xs, 5 * SEC);
    xs_sim_set(sim, FE "/backend", BE);
    xs_sim_set(sim, FE "/backend-id", "0");
    xs_sim_set(sim, BE "/state", "2");
    sim->on_write = backend;
    backend_mode = mode;
    log_clear();
}

static int publish(struct xs_client *c, xs_tx tx, void *arg)
{
    (void)arg;
    return xs_write(c, tx, FE "/ring-ref", "8");
}

TEST(xenbus_parse_state_bounds)
{
    CHECK(xenbus_parse_state("4", 1) == XenbusStateConnected);
    CHECK(xenbus_parse_state("6", 2) == XenbusStateClosed); /* "6\0" */
    CHECK(xenbus_parse_state("9", 1) == -EINVAL);
    CHECK(xenbus_parse_state("-1", 2) == -EINVAL);
    CHECK(xenbus_parse_state("", 0) == -EINVAL);
    CHECK(xenbus_parse_state("4x", 2) == -EINVAL);
    CHECK(xenbus_parse_state("99999999999", 11) == -EINVAL);
    CHECK(!strcmp(xenbus_state_name(2), "InitWait"));
    CHECK(!strcmp(xenbus_state_name(42), "invalid"));
}

TEST(xenbus_connect_and_close_honest_backend)
{
    struct xenbus_front fe;

    setup(0);
    CHECK(xenbus_front_init(&fe, xs, FE, 10 * SEC) == 0);
    CHECK(!strcmp(fe.backend, BE) && fe.backend_id == 0);
    CHECK(!strcmp(xs_sim_get(sim, FE "/state"), "1"));
    CHECK(xenbus_connect(&fe, publish, 0) == 0);
    CHECK(!strcmp(xs_sim_get(sim, FE "/ring-ref"), "8"));
    CHECK(!strcmp(xs_sim_get(sim, FE "/state"), "4"));
    CHECK(xenbus_close_all() == 0); /* what the exit hook runs */
    CHECK(!strcmp(xs_sim_get(sim, FE "/state"), "6"));
    CHECK(xenbus_close_all() == 0); /* nothing left to close */
}

TEST(xenbus_backend_that_never_connects_times_out_naming_the_device)
{
    struct xenbus_front fe;
    uint64_t t0;

    setup(1);
    CHECK(xenbus_front_init(&fe, xs, FE, 10 * SEC) == 0);
    t0 = sim->clock;
    CHECK(xenbus_connect(&fe, publish, 0) == -ETIMEDOUT);
    CHECK(sim->clock - t0 >= 10 * SEC && sim->clock - t0 < 12 * SEC);
    CHECK(log_contains("xenbus: device/vif/0: backend " BE
                       " stayed InitWait for 10000 ms"));
    CHECK(!strcmp(xs_sim_get(sim, FE "/state"), "3"));
}

TEST(xenbus_backend_closing_during_connect)
{
    struct xenbus_front fe;

    setup(2);
    CHECK(xenbus_front_init(&fe, xs, FE, 10 * SEC) == 0);
    CHECK(xenbus_connect(&fe, publish, 0) == -EPIPE);
    CHECK(log_contains("backend went Closed while we were Initialised"));
}

TEST(xenbus_backend_state_garbage)
{
    struct xenbus_front fe;

    setup(0);
    xs_sim_set(sim, BE "/state", "banana");
    CHECK(xenbus_front_init(&fe, xs, FE, 10 * SEC) == 0);
    CHECK(xenbus_connect(&fe, publish, 0) == -EINVAL);
    CHECK(log_contains("backend state \"banana\" is not a state"));
    xs_sim_set(sim, BE "/state", "12345678901234567890");
    CHECK(xenbus_backend_state(&fe) == -EINVAL);
}

TEST(xenbus_absurd_backend_nodes_refused)
{
    struct xenbus_front fe;

    setup(0);
    xs_sim_set(sim, FE "/backend-id", "70000");
    CHECK(xenbus_front_init(&fe, xs, FE, SEC) == -EINVAL);
    CHECK(log_contains("backend-id unreadable or out of range"));
    xs_sim_set(sim, FE "/backend-id", "0");
    xs_sim_set(sim, FE "/backend", "/local/domain/1/backend/vif/3/0");
    CHECK(xenbus_front_init(&fe, xs, FE, SEC) == -EINVAL);
    xs_sim_set(sim, FE "/backend", "/etc/passwd");
    CHECK(xenbus_front_init(&fe, xs, FE, SEC) == -EINVAL);
    CHECK(log_contains("not under /local/domain/0/backend/"));
    CHECK(xs_sim_get(sim, FE "/state") == NULL); /* nothing written */
}

TEST(xenbus_backend_never_appears)
{
    struct xenbus_front fe;

    setup(0);
    /* no backend state at all: Unknown until the timeout */
    xs_sim_set(sim, BE "/state", "0");
    CHECK(xenbus_front_init(&fe, xs, FE, 3 * SEC) == 0);
    CHECK(xenbus_connect(&fe, publish, 0) == -ETIMEDOUT);
    CHECK(log_contains("stayed Unknown for 3000 ms"));
}
