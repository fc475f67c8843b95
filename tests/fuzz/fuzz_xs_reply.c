/*
 * libFuzzer target: what a hostile xenstore sends back.  The input is
 * the store's whole response stream.  First it is cut into messages and
 * each goes through the reply parsers (xs_msg_parse, xs_error_errno,
 * xs_dir_split, xs_watch_event_parse, xs_parse_u32), whose results must
 * stay inside the payload.  Then the same bytes are fed through the
 * response ring, 1 KiB or less at a time, to the client itself
 * (lib/xenbus/xenstore.c) while it reads, lists and watches: it must
 * return (a timeout at worst), with results inside its buffers.  The
 * first byte, if odd, makes the store lie about rsp_prod once (the next
 * four bytes are the lie).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tern/xenstore.h>
#include <tern/xs_reply.h>

#define check(ok)                                                         \
    do {                                                                  \
        if (!(ok)) {                                                      \
            fprintf(stderr, "fuzz_xs_reply.c:%d: %s\n", __LINE__, #ok);   \
            abort();                                                      \
        }                                                                 \
    } while (0)

static void parsers(const uint8_t *data, size_t size)
{
    while (size >= XS_HDR_SIZE) {
        struct xsd_sockmsg h;
        const char *payload, *names[8], *path, *token;
        uint32_t v;
        size_t n;
        int count;

        memcpy(&h, data, sizeof(h));
        if (xs_header_check(&h) || h.len > size - XS_HDR_SIZE)
            return;
        n = XS_HDR_SIZE + h.len;
        check(xs_msg_parse(data, n, &h, &payload) == 0);
        check(xs_msg_parse(data, n + 1, &h, &payload) != 0 || n == size);
        check(xs_error_errno(payload, h.len) > 0);
        count = xs_dir_split(payload, h.len, names, 8);
        for (int i = 0; i < count; i++) {
            check(names[i] >= payload && names[i] < payload + h.len);
            check(memchr(names[i], 0, (size_t)(payload + h.len - names[i])));
        }
        if (xs_watch_event_parse(payload, h.len, &path, &token) == 0)
            check(token > path && token < payload + h.len);
        if (xs_parse_u32(payload, h.len, &v) == 0)
            check(h.len > 0 && payload[0] >= '0' && payload[0] <= '9');
        data += n;
        size -= n;
    }
}

static struct {
    struct xenstore_domain_interface page __attribute__((aligned(4096)));
    const uint8_t *data;
    size_t size, at;
    uint64_t clock;
    int lie;
    uint32_t lie_value;
} f;

/* The store: more of the input into the response ring; it never reads
 * our requests (their ids do not matter: the input chooses them). */
static void push(void)
{
    struct xenstore_domain_interface *x = &f.page;

    x->req_cons = x->req_prod;
    if (f.lie && f.at > 0) {
        f.lie = 0;
        x->rsp_prod = f.lie_value;
        return;
    }
    while (f.at < f.size && x->rsp_prod - x->rsp_cons < XENSTORE_RING_SIZE)
        x->rsp[MASK_XENSTORE_IDX(x->rsp_prod++)] = (char)f.data[f.at++];
}

static void notify(void *ctx)
{
    (void)ctx;
    push();
}

static void wait(void *ctx, uint64_t deadline)
{
    (void)deadline;
    (void)ctx;
    f.clock += 1000000000ull; /* every wait costs a second */
    push();
}

static uint64_t now(void *ctx)
{
    (void)ctx;
    return f.clock;
}

static void client(const uint8_t *data, size_t size)
{
    static struct xs_client xs;
    static const struct xs_transport t = {notify, wait, now, 0};
    struct xs_watch w = {0};
    char buf[64];
    const char *names[4];
    int n;

    memset(&f, 0, sizeof(f));
    if (size >= 5 && (data[0] & 1)) {
        f.lie = 1;
        memcpy(&f.lie_value, data + 1, 4);
    }
    f.data = data;
    f.size = size;
    xs_client_init(&xs, &f.page, &t, 3000000000ull);
    n = xs_read(&xs, 0, "k", buf, sizeof(buf));
    check(n < (int)sizeof(buf));
    if (n >= 0)
        check(buf[n] == 0);
    n = xs_directory(&xs, 0, "d", buf, sizeof(buf), names, 4);
    check(n <= 4);
    for (int i = 0; i < n; i++)
        check(names[i] >= buf && names[i] < buf + sizeof(buf));
    if (xs_watch(&xs, &w, "w") == 0) {
        xs_watch_wait(&xs, &w, 2000000000ull);
        check(strlen(w.last) < sizeof(w.last));
        xs_unwatch(&xs, &w);
    }
    check(xs.rx_have <= XS_HDR_SIZE + XENSTORE_PAYLOAD_MAX);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    parsers(data, size);
    client(data, size);
    return 0;
}
