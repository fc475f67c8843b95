/*
 * libFuzzer target: the split virtqueue (lib/virtio/virtqueue.c) against
 * a device whose every write comes from the input.  The input picks a
 * queue size and features, then runs operations: post a chain, let an
 * honest device complete one, write a raw used entry, a raw used idx, a
 * raw avail_event or used flags, take used entries, kick, arm or disarm
 * interrupts.  Checked after each: only a token posted and not yet
 * returned comes back, with a len within its chain's writable bytes; the
 * descriptors are all free or held by a chain in flight; after a breach
 * the queue refuses everything.  The ring is exactly as long as its
 * layout, so ASan sees any access past it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../unit/virtq_sim.h"

#define check(ok)                                                         \
    do {                                                                  \
        if (!(ok)) {                                                      \
            fprintf(stderr, "fuzz_virtqueue.c:%d: %s\n", __LINE__, #ok);  \
            abort();                                                      \
        }                                                                 \
    } while (0)

#define NTOKENS (2 * VIRTIO_QUEUE_MAX)

/* The driver's side of the truth: which tokens are out, with what room. */
struct shadow {
    bool out[NTOKENS];
    uint32_t in_bytes[NTOKENS];
    unsigned nout;
};

static int tokens[NTOKENS];

struct input {
    const uint8_t *p;
    size_t left;
};

static uint32_t take(struct input *in, unsigned bytes)
{
    uint32_t v = 0;

    for (unsigned i = 0; i < bytes && in->left; i++, in->left--)
        v |= (uint32_t)*in->p++ << (8 * i);
    return v;
}

static void post(struct sim *s, struct shadow *sh, struct input *in)
{
    struct virtq_seg seg[24];
    unsigned n = 1 + take(in, 1) % 24, nin = take(in, 1) % (n + 1), t = 0;
    uint64_t writable = 0;
    bool zero_len = false;
    int r;

    while (t < NTOKENS && sh->out[t])
        t++;
    check(t < NTOKENS); /* at most size chains can be out */
    for (unsigned i = 0; i < n; i++) {
        uint32_t len = take(in, 1) % 4 == 0 ? take(in, 4) : 1 + take(in, 1);

        seg[i] = (struct virtq_seg){0x1000u * (i + 1), len};
        zero_len |= len == 0;
        if (i >= n - nin)
            writable += len;
    }
    r = virtq_add(&s->vq, seg, n - nin, nin, &tokens[t]);
    if (s->vq.breach) {
        check(r == VIRTQ_ERR_BROKEN);
        return;
    }
    check(r == VIRTQ_OK || r == VIRTQ_ERR_NOSPC || r == VIRTQ_ERR_INVAL);
    /* Refused outright exactly for a chain that could never go. */
    if (zero_len || writable > UINT32_MAX)
        check(r == VIRTQ_ERR_INVAL);
    if (r == VIRTQ_ERR_INVAL)
        check(zero_len || writable > UINT32_MAX || n > s->vq.size);
    if (r == VIRTQ_OK) {
        check(writable <= UINT32_MAX);
        sh->out[t] = true;
        sh->in_bytes[t] = (uint32_t)writable;
        sh->nout++;
    }
}

static void get_used(struct sim *s, struct shadow *sh)
{
    void *token = NULL;
    uint32_t len = 0;
    bool was_broken = s->vq.breach != 0;
    int r = virtq_get_used(&s->vq, &token, &len);

    if (was_broken) {
        check(r == VIRTQ_ERR_BROKEN && !token);
        return;
    }
    if (r == 1) {
        long t = (int *)token - tokens;

        check(t >= 0 && t < NTOKENS && token == &tokens[t]);
        check(sh->out[t] && len <= sh->in_bytes[t]);
        sh->out[t] = false;
        sh->nout--;
        return;
    }
    check(!token);
    check(r == 0 || (virtq_is_breach(r) && s->vq.breach == r &&
                     *virtq_rule(r)));
}

/* Every descriptor free or held by exactly the chains in flight. */
static void check_accounts(const struct sim *s, const struct shadow *sh)
{
    const struct virtq *vq = &s->vq;
    unsigned held = 0, heads = 0, tables = 0;

    for (unsigned i = 0; i < vq->size; i++)
        if (vq->slot[i].state == VIRTQ_SLOT_HEAD) {
            held += vq->slot[i].ndesc;
            heads++;
            tables += vq->slot[i].table >= 0;
        }
    check(held + vq->num_free == vq->size);
    check(heads == vq->in_flight && heads == sh->nout);
    check(tables + (unsigned)__builtin_popcount(vq->tables_free) ==
          vq->ntables);
}

static void step(struct sim *s, struct shadow *sh, struct input *in)
{
    struct sim_chain c;
    uint32_t id, len;

    switch (take(in, 1) % 10) {
    case 0:
    case 1:
        post(s, sh, in);
        break;
    case 2: /* an honest device, len up to the writable bytes */
        if (sim_take(s, &c)) {
            len = take(in, 4);
            len = (uint32_t)(len % ((uint64_t)c.writable + 1));
            sim_put_used(s, c.head, len);
        }
        break;
    case 3: /* a raw used entry, published */
        id = take(in, 1) % 2 ? take(in, 1) : take(in, 4);
        len = take(in, 1) % 2 ? take(in, 1) : take(in, 4);
        sim_put_used(s, id, len);
        break;
    case 4: /* a raw used idx */
        s->used_idx = (uint16_t)take(in, 2);
        s->vq.used->idx = s->used_idx;
        break;
    case 5:
    case 6:
        get_used(s, sh);
        break;
    case 7:
        virtq_kick_prepare(&s->vq);
        break;
    case 8:
        if (take(in, 1) % 2) {
            int r = virtq_enable_cb(&s->vq);

            check(r == 0 || r == 1 || r == VIRTQ_ERR_BROKEN ||
                  virtq_is_breach(r));
        } else {
            virtq_disable_cb(&s->vq);
        }
        break;
    case 9: /* raw avail_event and used flags */
        *s->vq.avail_event = (uint16_t)take(in, 2);
        s->vq.used->flags = (uint16_t)take(in, 2);
        break;
    }
    check_accounts(s, sh);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct input in = {data, size};
    struct sim *s = malloc(sizeof(*s));
    struct shadow *sh = calloc(1, sizeof(*sh));
    uint16_t qsize = (uint16_t)(1u << (take(&in, 1) % 9));
    uint32_t f = take(&in, 1);
    uint64_t features = (f & 1 ? 1ull << VIRTIO_F_INDIRECT_DESC : 0) |
                        (f & 2 ? 1ull << VIRTIO_F_EVENT_IDX : 0);
    unsigned detached = 0;
    void *t;

    sim_init(s, qsize, features, (f >> 2) % (VIRTQ_INDIRECT_TABLES + 1));
    for (unsigned ops = 0; in.left && ops < 4096; ops++)
        step(s, sh, &in);
    /* After a reset the driver takes back what is still out: each once. */
    while ((t = virtq_detach_unused(&s->vq))) {
        long i = (int *)t - tokens;

        check(i >= 0 && i < NTOKENS && sh->out[i]);
        sh->out[i] = false;
        detached++;
    }
    check(detached == sh->nout && s->vq.num_free == s->vq.size);
    sim_free(s);
    free(s);
    free(sh);
    return 0;
}
