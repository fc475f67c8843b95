/* Split virtqueues (lib/virtio/virtqueue.c) against a simulated device,
 * honest and lying in each way the ring rules forbid. */
#include <string.h>
#include <tern/virtqueue.h>
#include "test.h"
#include "virtq_sim.h"

#define F_INDIRECT (1ull << VIRTIO_F_INDIRECT_DESC)
#define F_EVENT (1ull << VIRTIO_F_EVENT_IDX)

static int tok[VIRTIO_QUEUE_MAX * 4]; /* tokens: &tok[i] */

/* A chain of one readable segment of out_len bytes and one writable of
 * in_len (0: none), token &tok[t]. */
static int add1(struct sim *s, int t, uint32_t out_len, uint32_t in_len)
{
    struct virtq_seg seg[2] = {{0x1000, out_len}, {0x2000, in_len}};

    return virtq_add(&s->vq, out_len ? seg : seg + 1, out_len ? 1 : 0,
                     in_len ? 1 : 0, &tok[t]);
}

/* The slot accounting: every descriptor free or held by a chain. */
static int descs_accounted(const struct virtq *vq)
{
    unsigned held = 0, heads = 0;

    for (unsigned i = 0; i < vq->size; i++)
        if (vq->slot[i].state == VIRTQ_SLOT_HEAD) {
            held += vq->slot[i].ndesc;
            heads++;
        }
    return held + vq->num_free == vq->size && heads == vq->in_flight;
}

TEST(virtq_layout_is_the_legacy_one)
{
    struct virtio_queue_mem m;

    CHECK(virtq_layout(256, 0x10000, &m) == 0);
    CHECK(m.size == 256 && m.base == 0x10000 && m.desc == 0x10000);
    CHECK(m.avail == 0x10000 + 4096);     /* 16 * 256 */
    CHECK(m.used == 0x10000 + 8192);      /* 4096 + 518, aligned up */
    CHECK(m.bytes == 12288);              /* 8192 + 2054, aligned up */
    CHECK(virtq_layout(1, 0, &m) == 0 && m.avail == 16 && m.used == 4096 &&
          m.bytes == 8192);
    CHECK(virtq_layout(16, 0, &m) == 0 && m.used == 4096 && m.bytes == 8192);
    CHECK(virtq_layout(0, 0, &m) == -1);
    CHECK(virtq_layout(3, 0, &m) == -1);
    CHECK(virtq_layout(255, 0, &m) == -1);
    CHECK(virtq_layout(512, 0, &m) == -1);
    CHECK(virtq_layout(8, 0x10800, &m) == -1);
}

/* Where a legacy device looks for the used ring, given only the base and
 * the size: QEMU 7.2 aligns the end of avail->ring[size]
 * (virtio_queue_update_rings), Linux's vring_size() the end of
 * used_event after it.  Every size must give both the same answer, ours. */
TEST(virtq_layout_matches_what_legacy_devices_compute)
{
    for (unsigned size = 1; size <= VIRTIO_QUEUE_MAX; size *= 2) {
        struct virtio_queue_mem m;
        uint64_t avail = 16u * size;
        uint64_t qemu = (avail + 4 + 2u * size + 4095) & ~4095ull;
        uint64_t linux_ = (16u * size + 2u * (3 + size) + 4095) & ~4095ull;

        CHECK(virtq_layout((uint16_t)size, 0, &m) == 0);
        CHECK(m.avail == avail && m.used == qemu && m.used == linux_);
        CHECK(m.bytes >= m.used + 6 + 8u * size && m.bytes % 4096 == 0);
    }
}

TEST(virtq_init_refuses_a_layout_not_its_own)
{
    static struct virtq vq;
    static struct virtq_desc tables[2 * VIRTQ_INDIRECT_MAX];
    struct virtio_queue_mem m, bad;

    virtq_layout(8, 0x10000, &m);
    CHECK(virtq_init(&vq, &m, 0, tables, 2) == VIRTQ_OK && vq.size == 8);
    bad = m, bad.used += 4096;
    CHECK(virtq_init(&vq, &bad, 0, NULL, 0) == VIRTQ_ERR_INVAL);
    bad = m, bad.avail -= 16;
    CHECK(virtq_init(&vq, &bad, 0, NULL, 0) == VIRTQ_ERR_INVAL);
    bad = m, bad.bytes -= 4096;
    CHECK(virtq_init(&vq, &bad, 0, NULL, 0) == VIRTQ_ERR_INVAL);
    bad = m, bad.size = 6;
    CHECK(virtq_init(&vq, &bad, 0, NULL, 0) == VIRTQ_ERR_INVAL);
    CHECK(virtq_init(&vq, &m, 0, NULL, 2) == VIRTQ_ERR_INVAL);
    CHECK(virtq_init(&vq, &m, 0, tables, VIRTQ_INDIRECT_TABLES + 1) ==
          VIRTQ_ERR_INVAL);
    /* Tables without the feature: none used. */
    CHECK(virtq_init(&vq, &m, 0, tables, 2) == VIRTQ_OK && !vq.indirect);
}

TEST(virtq_chain_reaches_the_device_and_comes_back)
{
    struct sim s;
    struct sim_chain c;
    struct virtq_seg seg[3] = {{0x1000, 16}, {0x5000, 512}, {0x9000, 1}};
    void *t;
    uint32_t len;

    sim_init(&s, 8, 0, 0);
    CHECK(virtq_get_used(&s.vq, &t, &len) == 0);
    CHECK(virtq_add(&s.vq, seg, 1, 2, &tok[7]) == VIRTQ_OK);
    CHECK(s.vq.num_free == 5 && descs_accounted(&s.vq));
    CHECK(sim_take(&s, &c) && c.well_formed && !c.indirect);
    CHECK(c.ndesc == 3 && c.writable == 513);
    for (int i = 0; i < 3; i++)
        CHECK(c.seg[i].addr == seg[i].addr && c.seg[i].len == seg[i].len);
    CHECK(virtq_get_used(&s.vq, &t, &len) == 0);
    sim_put_used(&s, c.head, 200);
    CHECK(virtq_get_used(&s.vq, &t, &len) == 1);
    CHECK(t == &tok[7] && len == 200);
    CHECK(virtq_get_used(&s.vq, &t, &len) == 0);
    CHECK(s.vq.num_free == 8 && descs_accounted(&s.vq));
    sim_free(&s);
}

TEST(virtq_full_ring_refuses_cleanly_then_takes_again)
{
    struct sim s;
    struct sim_chain c;
    struct virtq_seg seg[9];
    void *t;
    uint32_t len;

    for (int i = 0; i < 9; i++)
        seg[i] = (struct virtq_seg){0x1000u * (i + 1), 64};
    sim_init(&s, 8, 0, 0);
    for (int i = 0; i < 8; i++)
        CHECK(add1(&s, i, 0, 64) == VIRTQ_OK);
    CHECK(add1(&s, 8, 0, 64) == VIRTQ_ERR_NOSPC);
    CHECK(s.vq.num_free == 0 && s.vq.avail->idx == 8);
    CHECK(sim_complete_next(&s, &c));
    CHECK(virtq_get_used(&s.vq, &t, &len) == 1 && t == &tok[0]);
    CHECK(add1(&s, 8, 0, 64) == VIRTQ_OK);
    /* A chain longer than what is free waits; longer than the queue
     * could ever hold is refused outright. */
    CHECK(sim_complete_next(&s, &c));
    CHECK(virtq_get_used(&s.vq, &t, &len) == 1);
    CHECK(virtq_add(&s.vq, seg, 1, 1, &tok[9]) == VIRTQ_ERR_NOSPC);
    CHECK(virtq_add(&s.vq, seg, 5, 4, &tok[9]) == VIRTQ_ERR_INVAL);
    CHECK(descs_accounted(&s.vq) && s.vq.breach == 0);
    sim_free(&s);
}

TEST(virtq_bad_chains_are_refused)
{
    struct sim s;
    struct virtq_seg seg[2] = {{0x1000, 16}, {0x2000, 0}};
    struct virtq_seg big[2] = {{0x1000, 0xffffffffu}, {0x2000, 2}};

    sim_init(&s, 8, 0, 0);
    CHECK(virtq_add(&s.vq, seg, 0, 0, &tok[0]) == VIRTQ_ERR_INVAL);
    CHECK(virtq_add(&s.vq, seg, 1, 0, NULL) == VIRTQ_ERR_INVAL);
    CHECK(virtq_add(&s.vq, seg, 1, 1, &tok[0]) == VIRTQ_ERR_INVAL);
    CHECK(virtq_add(&s.vq, big, 0, 2, &tok[0]) == VIRTQ_ERR_INVAL);
    CHECK(virtq_add(&s.vq, big, 1, 1, &tok[0]) == VIRTQ_OK); /* out: no limit */
    CHECK(s.vq.num_free == 6 && s.vq.avail->idx == 1);
    sim_free(&s);
}

/* Many requests through a small queue, the 16-bit indices wrapping
 * several times, in batches of varying size. */
TEST(virtq_indices_wrap_past_65536)
{
    struct sim s;
    struct sim_chain c;
    unsigned next_tok = 0, next_back = 0, seed = 1;
    void *t;
    uint32_t len;
    int bad = 0;

    sim_init(&s, 4, 0, 0);
    for (int round = 0; round < 200000 && next_back < 200000 && !bad;
         round++) {
        unsigned batch;

        seed = seed * 1103515245u + 12345u;
        batch = 1 + (seed >> 16) % 4;
        for (unsigned i = 0; i < batch; i++)
            if (add1(&s, (int)(next_tok % 16), 8, 8) == VIRTQ_OK)
                next_tok++;
        while (sim_complete_next(&s, &c))
            ;
        while (virtq_get_used(&s.vq, &t, &len) == 1)
            bad |= t != &tok[next_back++ % 16] || len != 8;
        bad |= s.vq.breach;
    }
    CHECK(!bad && next_back == next_tok && next_back >= 200000);
    CHECK(s.vq.avail->idx == (uint16_t)next_tok);
    CHECK(s.vq.used->idx == (uint16_t)next_tok && s.vq.breach == 0);
    CHECK(descs_accounted(&s.vq) && s.vq.num_free == 4);
    sim_free(&s);
}

/* ---- a lying device: each rule ---------------------------------------- */

/* Two chains in flight: a direct one of three (head h3) and one of one. */
static void two_in_flight(struct sim *s, uint16_t *h3, uint16_t *h1)
{
    struct virtq_seg seg[3] = {{0x1000, 16}, {0x2000, 100}, {0x3000, 28}};
    struct sim_chain c;

    sim_init(s, 8, 0, 0);
    virtq_add(&s->vq, seg, 1, 2, &tok[0]);
    add1(s, 1, 0, 64);
    sim_take(s, &c);
    *h3 = c.head;
    sim_take(s, &c);
    *h1 = c.head;
}

/* The queue refuses everything after a breach, and the rule is named. */
static void check_stopped(struct sim *s, int breach)
{
    void *t = NULL;
    uint32_t len = 0;

    CHECK(virtq_is_breach(breach) && s->vq.breach == breach);
    CHECK(strlen(virtq_rule(breach)) > 10);
    CHECK(virtq_get_used(&s->vq, &t, &len) == VIRTQ_ERR_BROKEN && !t);
    CHECK(add1(s, 2, 0, 8) == VIRTQ_ERR_BROKEN);
    CHECK(!virtq_kick_prepare(&s->vq));
    CHECK(virtq_enable_cb(&s->vq) == VIRTQ_ERR_BROKEN);
}

TEST(virtq_lying_device_idx_jump_past_size)
{
    struct sim s;
    uint16_t h3, h1;
    void *t = NULL;
    uint32_t len;

    two_in_flight(&s, &h3, &h1);
    sim_put_used(&s, h1, 1);
    s.vq.used->idx = 9; /* 9 entries past last_used 0: queue size is 8 */
    CHECK(virtq_get_used(&s.vq, &t, &len) == VIRTQ_BREACH_IDX_JUMP && !t);
    check_stopped(&s, VIRTQ_BREACH_IDX_JUMP);
    sim_free(&s);

    two_in_flight(&s, &h3, &h1);
    s.vq.used->idx = 0x8000;
    CHECK(virtq_get_used(&s.vq, &t, &len) == VIRTQ_BREACH_IDX_JUMP);
    sim_free(&s);
}

TEST(virtq_lying_device_idx_more_than_in_flight)
{
    struct sim s;
    uint16_t h3, h1;
    void *t = NULL;
    uint32_t len;

    two_in_flight(&s, &h3, &h1);
    s.vq.used->idx = 3; /* within the size, but only 2 were posted */
    CHECK(virtq_get_used(&s.vq, &t, &len) == VIRTQ_BREACH_IDX_EXCESS && !t);
    check_stopped(&s, VIRTQ_BREACH_IDX_EXCESS);
    sim_free(&s);
}

TEST(virtq_lying_device_idx_backwards)
{
    struct sim s;
    uint16_t h3, h1;
    void *t = NULL;
    uint32_t len;

    two_in_flight(&s, &h3, &h1);
    sim_put_used(&s, h1, 64);
    CHECK(virtq_get_used(&s.vq, &t, &len) == 1 && t == &tok[1]);
    s.vq.used->idx = 0; /* takes back the completion we consumed */
    CHECK(virtq_get_used(&s.vq, &t, &len) == VIRTQ_BREACH_IDX_BACK);
    check_stopped(&s, VIRTQ_BREACH_IDX_BACK);
    sim_free(&s);
}

TEST(virtq_lying_device_id_out_of_range)
{
    uint32_t bad[] = {8, 255, 0x10000, 0xffffffffu};

    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct sim s;
        uint16_t h3, h1;
        void *t = NULL;
        uint32_t len;

        two_in_flight(&s, &h3, &h1);
        sim_put_used(&s, bad[i], 0);
        CHECK(virtq_get_used(&s.vq, &t, &len) == VIRTQ_BREACH_ID_RANGE &&
              !t);
        check_stopped(&s, VIRTQ_BREACH_ID_RANGE);
        sim_free(&s);
    }
}

TEST(virtq_lying_device_id_never_posted)
{
    struct sim s;
    uint16_t h3, h1;
    void *t = NULL;
    uint32_t len;

    two_in_flight(&s, &h3, &h1); /* descriptors 0-3 used, 4-7 free */
    sim_put_used(&s, 6, 0);
    CHECK(virtq_get_used(&s.vq, &t, &len) == VIRTQ_BREACH_ID_NOT_IN_FLIGHT &&
          !t);
    check_stopped(&s, VIRTQ_BREACH_ID_NOT_IN_FLIGHT);
    sim_free(&s);
}

TEST(virtq_lying_device_id_inside_a_chain)
{
    struct sim s;
    uint16_t h3, h1;
    void *t = NULL;
    uint32_t len;

    two_in_flight(&s, &h3, &h1);
    sim_put_used(&s, s.vq.desc[h3].next, 0);
    CHECK(virtq_get_used(&s.vq, &t, &len) == VIRTQ_BREACH_ID_NOT_HEAD && !t);
    check_stopped(&s, VIRTQ_BREACH_ID_NOT_HEAD);
    sim_free(&s);
}

TEST(virtq_lying_device_double_completion)
{
    struct sim s;
    uint16_t h3, h1;
    void *t = NULL;
    uint32_t len;

    two_in_flight(&s, &h3, &h1);
    sim_put_used(&s, h1, 64);
    sim_put_used(&s, h1, 64); /* idx 2: within the two in flight */
    CHECK(virtq_get_used(&s.vq, &t, &len) == 1 && t == &tok[1]);
    t = NULL;
    CHECK(virtq_get_used(&s.vq, &t, &len) == VIRTQ_BREACH_ID_NOT_IN_FLIGHT &&
          !t);
    check_stopped(&s, VIRTQ_BREACH_ID_NOT_IN_FLIGHT);
    sim_free(&s);

    /* Later, after the descriptor went back to the free list and came
     * out again as part of another chain's body. */
    two_in_flight(&s, &h3, &h1);
    sim_put_used(&s, h3, 128);
    CHECK(virtq_get_used(&s.vq, &t, &len) == 1 && t == &tok[0]);
    CHECK(add1(&s, 2, 8, 8) == VIRTQ_OK); /* reuses h3 and its next */
    sim_put_used(&s, h3, 0); /* a stale repeat: h3 is a head again... */
    CHECK(virtq_get_used(&s.vq, &t, &len) == 1 && t == &tok[2]);
    /* ...which cannot be told from the real completion; but once it is
     * back, the real one is caught. */
    sim_put_used(&s, h3, 8);
    CHECK(virtq_get_used(&s.vq, &t, &len) == VIRTQ_BREACH_ID_NOT_IN_FLIGHT);
    sim_free(&s);
}

TEST(virtq_lying_device_len_past_writable_bytes)
{
    struct sim s;
    uint16_t h3, h1;
    void *t = NULL;
    uint32_t len;

    two_in_flight(&s, &h3, &h1);
    sim_put_used(&s, h3, 128); /* exactly the writable 100 + 28: fine */
    CHECK(virtq_get_used(&s.vq, &t, &len) == 1 && len == 128);
    sim_put_used(&s, h1, 65);
    t = NULL;
    CHECK(virtq_get_used(&s.vq, &t, &len) == VIRTQ_BREACH_LEN && !t);
    check_stopped(&s, VIRTQ_BREACH_LEN);
    sim_free(&s);

    /* A chain the device may not write at all. */
    sim_init(&s, 8, 0, 0);
    add1(&s, 0, 32, 0);
    sim_put_used(&s, s.vq.avail->ring[0], 1);
    CHECK(virtq_get_used(&s.vq, &t, &len) == VIRTQ_BREACH_LEN);
    sim_free(&s);
}

TEST(virtq_rules_have_distinct_names)
{
    for (int a = VIRTQ_BREACH_LEN; a <= VIRTQ_BREACH_IDX_JUMP; a++) {
        CHECK(virtq_is_breach(a));
        for (int b = a + 1; b <= VIRTQ_BREACH_IDX_JUMP; b++)
            CHECK(strcmp(virtq_rule(a), virtq_rule(b)) != 0);
    }
    CHECK(!virtq_is_breach(VIRTQ_ERR_NOSPC) && !virtq_is_breach(0));
}

TEST(virtq_detach_unused_returns_each_token_once)
{
    struct sim s;
    int seen[4] = {0};
    void *t;

    sim_init(&s, 8, 0, 0);
    for (int i = 0; i < 4; i++)
        add1(&s, i, 8, 8);
    while ((t = virtq_detach_unused(&s.vq)))
        seen[(int *)t - tok]++;
    CHECK(seen[0] == 1 && seen[1] == 1 && seen[2] == 1 && seen[3] == 1);
    CHECK(s.vq.num_free == 8 && s.vq.in_flight == 0 && descs_accounted(&s.vq));
    sim_free(&s);
}

/* ---- notification suppression ----------------------------------------- */

TEST(virtq_kick_follows_used_flags_without_event_idx)
{
    struct sim s;

    sim_init(&s, 8, 0, 0);
    CHECK(!virtq_kick_prepare(&s.vq)); /* nothing added */
    add1(&s, 0, 8, 0);
    CHECK(virtq_kick_prepare(&s.vq));
    CHECK(!virtq_kick_prepare(&s.vq));
    s.vq.used->flags = VIRTQ_USED_F_NO_NOTIFY;
    add1(&s, 1, 8, 0);
    CHECK(!virtq_kick_prepare(&s.vq));
    s.vq.used->flags = 0;
    add1(&s, 2, 8, 0);
    CHECK(virtq_kick_prepare(&s.vq));
    sim_free(&s);
}

TEST(virtq_kick_follows_avail_event)
{
    struct sim s;
    struct sim_chain c;

    sim_init(&s, 8, F_EVENT, 0);
    s.vq.used->flags = VIRTQ_USED_F_NO_NOTIFY; /* ignored with EVENT_IDX */
    add1(&s, 0, 8, 0);          /* avail 0 -> 1, avail_event 0 */
    CHECK(virtq_kick_prepare(&s.vq));
    add1(&s, 1, 8, 0);          /* 1 -> 2: the device asked for 0 only */
    CHECK(!virtq_kick_prepare(&s.vq));
    CHECK(sim_take(&s, &c) && sim_take(&s, &c)); /* avail_event = 2 */
    add1(&s, 2, 8, 0);          /* 2 -> 3 passes 2 */
    CHECK(virtq_kick_prepare(&s.vq));
    *s.vq.avail_event = 5;
    add1(&s, 3, 8, 0);
    add1(&s, 4, 8, 0);          /* 3 -> 5: 5 not passed yet */
    CHECK(!virtq_kick_prepare(&s.vq));
    add1(&s, 5, 8, 0);          /* 5 -> 6 */
    CHECK(virtq_kick_prepare(&s.vq));
    *s.vq.avail_event = 6;
    add1(&s, 6, 8, 0);
    add1(&s, 7, 8, 0);          /* a batch 6 -> 8 passing 6 in its middle */
    CHECK(virtq_kick_prepare(&s.vq));
    sim_free(&s);
}

/* The event rule across the 16-bit wrap. */
TEST(virtq_need_event_wraps)
{
    CHECK(virtq_need_event(0xffff, 0x0001, 0xfffe));
    CHECK(virtq_need_event(0x0000, 0x0001, 0xfffe));
    CHECK(!virtq_need_event(0x0001, 0x0001, 0xfffe));
    CHECK(!virtq_need_event(0xfffd, 0x0001, 0xfffe));
    CHECK(!virtq_need_event(7, 7, 7));
}

TEST(virtq_interrupts_follow_used_event)
{
    struct sim s;
    struct sim_chain c;
    void *t;
    uint32_t len;

    sim_init(&s, 8, F_EVENT, 0);
    for (int i = 0; i < 6; i++)
        add1(&s, i, 0, 8);
    CHECK(virtq_enable_cb(&s.vq) == 0 && *s.vq.used_event == 0);
    CHECK(sim_complete_next(&s, &c) && s.interrupts == 1);
    CHECK(sim_complete_next(&s, &c) && s.interrupts == 1); /* not re-armed */
    CHECK(virtq_get_used(&s.vq, &t, &len) == 1);
    CHECK(virtq_get_used(&s.vq, &t, &len) == 1);
    CHECK(virtq_enable_cb(&s.vq) == 0 && *s.vq.used_event == 2);
    CHECK(sim_complete_next(&s, &c) && s.interrupts == 2);
    /* Re-armed with one already pending: told to poll again. */
    CHECK(virtq_enable_cb(&s.vq) == 1 && *s.vq.used_event == 2);
    virtq_disable_cb(&s.vq);
    CHECK(virtq_get_used(&s.vq, &t, &len) == 1);
    CHECK(sim_complete_next(&s, &c) && s.interrupts == 2);
    sim_free(&s);
}

/* used_event names the next entry we will consume, even when entries
 * we already read the index for are still unconsumed. */
TEST(virtq_enable_cb_asks_for_the_next_unconsumed_entry)
{
    struct sim s;
    struct sim_chain c;
    void *t;
    uint32_t len;

    sim_init(&s, 8, F_EVENT, 0);
    for (int i = 0; i < 3; i++)
        add1(&s, i, 0, 8);
    CHECK(sim_complete_next(&s, &c) && sim_complete_next(&s, &c));
    CHECK(virtq_get_used(&s.vq, &t, &len) == 1); /* idx read: 2 seen */
    CHECK(virtq_enable_cb(&s.vq) == 1 && *s.vq.used_event == 1);
    sim_free(&s);
}

/* Sixty-five thousand chains added and completed with no kick check
 * between: the 16-bit comparison alone would see no movement at all. */
TEST(virtq_kick_after_a_long_silence)
{
    struct sim s;
    struct sim_chain c;
    void *t;
    uint32_t len;

    sim_init(&s, 8, F_EVENT, 0);
    for (unsigned i = 0; i < 65536; i++) {
        add1(&s, 0, 8, 0);
        sim_complete_next(&s, &c);
        virtq_get_used(&s.vq, &t, &len);
    }
    *s.vq.avail_event = 3; /* the device asked, 2^16 adds ago... */
    CHECK(s.vq.avail_idx == 0 && virtq_kick_prepare(&s.vq));
    sim_free(&s);
}

TEST(virtq_interrupts_follow_avail_flags_without_event_idx)
{
    struct sim s;
    struct sim_chain c;
    void *t;
    uint32_t len;

    sim_init(&s, 8, 0, 0);
    for (int i = 0; i < 4; i++)
        add1(&s, i, 0, 8);
    virtq_disable_cb(&s.vq);
    CHECK(s.vq.avail->flags == VIRTQ_AVAIL_F_NO_INTERRUPT);
    CHECK(sim_complete_next(&s, &c) && s.interrupts == 0);
    CHECK(virtq_enable_cb(&s.vq) == 1 && s.vq.avail->flags == 0);
    CHECK(virtq_get_used(&s.vq, &t, &len) == 1);
    CHECK(virtq_enable_cb(&s.vq) == 0);
    CHECK(sim_complete_next(&s, &c) && s.interrupts == 1);
    CHECK(sim_complete_next(&s, &c) && s.interrupts == 2);
    sim_free(&s);
}

/* A lying idx is caught by enable_cb's look too. */
TEST(virtq_enable_cb_checks_used_idx)
{
    struct sim s;

    sim_init(&s, 8, F_EVENT, 0);
    add1(&s, 0, 0, 8);
    s.vq.used->idx = 2;
    CHECK(virtq_enable_cb(&s.vq) == VIRTQ_BREACH_IDX_EXCESS);
    check_stopped(&s, VIRTQ_BREACH_IDX_EXCESS);
    sim_free(&s);
}

/* ---- indirect descriptors ---------------------------------------------- */

TEST(virtq_indirect_chain_takes_one_descriptor)
{
    struct sim s;
    struct sim_chain c;
    struct virtq_seg seg[10];
    void *t;
    uint32_t len;

    for (int i = 0; i < 10; i++)
        seg[i] = (struct virtq_seg){0x10000u * (i + 1), 100u + i};
    sim_init(&s, 4, F_INDIRECT, 2);
    /* Ten segments through a queue of four. */
    CHECK(virtq_add(&s.vq, seg, 3, 7, &tok[0]) == VIRTQ_OK);
    CHECK(s.vq.num_free == 3 && s.vq.tables_free == 2u);
    CHECK(sim_take(&s, &c) && c.indirect && c.well_formed && c.ndesc == 10);
    for (int i = 0; i < 10; i++)
        CHECK(c.seg[i].addr == seg[i].addr && c.seg[i].len == seg[i].len);
    CHECK(c.writable == 103 + 104 + 105 + 106 + 107 + 108 + 109);
    CHECK(s.vq.desc[c.head].addr == (uint64_t)(uintptr_t)s.tables);
    sim_put_used(&s, c.head, c.writable);
    CHECK(virtq_get_used(&s.vq, &t, &len) == 1 && t == &tok[0]);
    CHECK(s.vq.num_free == 4 && s.vq.tables_free == 3u);
    /* Longer than the ring, with no table free: wait, not refused. */
    CHECK(virtq_add(&s.vq, seg, 2, 8, &tok[2]) == VIRTQ_OK);
    CHECK(virtq_add(&s.vq, seg, 2, 8, &tok[3]) == VIRTQ_OK);
    CHECK(s.vq.tables_free == 0);
    CHECK(virtq_add(&s.vq, seg, 2, 8, &tok[4]) == VIRTQ_ERR_NOSPC);
    CHECK(sim_complete_next(&s, &c) && sim_complete_next(&s, &c));
    CHECK(virtq_get_used(&s.vq, &t, &len) == 1 && t == &tok[2]);
    CHECK(virtq_get_used(&s.vq, &t, &len) == 1 && t == &tok[3]);
    CHECK(virtq_add(&s.vq, seg, 2, 8, &tok[4]) == VIRTQ_OK);
    CHECK(sim_complete_next(&s, &c) && c.indirect && c.ndesc == 10);
    CHECK(virtq_get_used(&s.vq, &t, &len) == 1 && t == &tok[4]);
    /* One segment goes direct: a table would only cost a lookup. */
    CHECK(virtq_add(&s.vq, seg, 1, 0, &tok[1]) == VIRTQ_OK);
    CHECK(sim_take(&s, &c) && !c.indirect && s.vq.tables_free == 3u);
    sim_free(&s);
}

TEST(virtq_indirect_pool_exhausted_falls_back_to_direct)
{
    struct sim s;
    struct sim_chain c;
    struct virtq_seg seg[VIRTQ_INDIRECT_MAX + 1];
    void *t;
    uint32_t len;

    for (unsigned i = 0; i <= VIRTQ_INDIRECT_MAX; i++)
        seg[i] = (struct virtq_seg){0x1000u * (i + 1), 8};
    sim_init(&s, 32, F_INDIRECT, 1);
    CHECK(virtq_add(&s.vq, seg, 1, 1, &tok[0]) == VIRTQ_OK);
    CHECK(virtq_add(&s.vq, seg, 1, 2, &tok[1]) == VIRTQ_OK);
    CHECK(s.vq.num_free == 32 - 1 - 3);
    /* Longer than a table: direct, whatever the pool holds. */
    CHECK(virtq_add(&s.vq, seg, 1, VIRTQ_INDIRECT_MAX, &tok[2]) == VIRTQ_OK);
    CHECK(s.vq.num_free == 32 - 1 - 3 - 17);
    CHECK(sim_take(&s, &c) && c.indirect && c.ndesc == 2 && c.well_formed);
    CHECK(sim_take(&s, &c) && !c.indirect && c.ndesc == 3 && c.well_formed);
    CHECK(sim_take(&s, &c) && !c.indirect && c.ndesc == 17 &&
          c.writable == 8 * VIRTQ_INDIRECT_MAX && c.well_formed);
    /* A lying len on an indirect chain is caught the same way. */
    sim_put_used(&s, s.vq.avail->ring[0], 8);
    CHECK(virtq_get_used(&s.vq, &t, &len) == 1 && t == &tok[0]);
    CHECK(s.vq.tables_free == 1u && descs_accounted(&s.vq));
    sim_put_used(&s, s.vq.avail->ring[1], 17);
    CHECK(virtq_get_used(&s.vq, &t, &len) == VIRTQ_BREACH_LEN);
    sim_free(&s);
}

/* Random traffic with indirect chains and event idx through a queue
 * whose indices wrap, the device completing chains out of order with
 * random lengths (as a disk does): each token comes back once, in the
 * device's completion order, with its length, the segments arrive intact,
 * and every descriptor and table is returned.  A chain's token index
 * rides in its segments' addresses so the device can tell them apart. */
struct pending {
    uint16_t head;
    unsigned tok;
    uint32_t len;
};

static bool chain_intact(const struct sim_chain *c, unsigned *tok)
{
    *tok = (unsigned)(c->seg[0].addr >> 20);
    for (unsigned i = 0; i < c->ndesc && i < 20; i++)
        if (c->seg[i].addr != ((uint64_t)*tok << 20 | i << 12) ||
            c->seg[i].len != 1 + i)
            return false;
    return c->well_formed && c->ndesc <= 20;
}

TEST(virtq_random_out_of_order_traffic_keeps_every_count)
{
    struct sim s;
    struct sim_chain c;
    struct virtq_seg seg[20];
    struct pending pend[16], done[64];
    unsigned seed = 7, posted = 0, back = 0, npend = 0, ndone = 0, first = 0;
    int bad = 0;
    void *t;
    uint32_t len;

    sim_init(&s, 16, F_INDIRECT | F_EVENT, 4);
    for (int round = 0; round < 40000 && !bad; round++) {
        unsigned n, in, k = posted % 64;

        seed = seed * 1103515245u + 12345u;
        n = 1 + (seed >> 8) % 20;
        in = (seed >> 13) % (n + 1);
        for (unsigned i = 0; i < n; i++)
            seg[i] = (struct virtq_seg){(uint64_t)k << 20 | i << 12, 1 + i};
        if (virtq_add(&s.vq, seg, n - in, in, &tok[k]) == VIRTQ_OK)
            posted++;
        virtq_kick_prepare(&s.vq);
        while (npend < 16 && sim_take(&s, &c)) {
            bad |= !chain_intact(&c, &pend[npend].tok);
            pend[npend].head = c.head;
            pend[npend++].len = c.writable ? seed % (c.writable + 1) : 0;
        }
        for (unsigned m = (seed >> 18) % 4; m && npend; m--) {
            unsigned j = (seed >> (4 + m)) % npend;

            sim_put_used(&s, pend[j].head, pend[j].len);
            done[(first + ndone++) % 64] = pend[j];
            pend[j] = pend[--npend];
        }
        if ((seed >> 22) % 2 == 0)
            while (virtq_get_used(&s.vq, &t, &len) == 1) {
                struct pending want = done[first++ % 64];

                ndone--;
                back++;
                bad |= t != &tok[want.tok] || len != want.len;
            }
        bad |= !descs_accounted(&s.vq) || s.vq.breach;
    }
    CHECK(!bad && posted > 20000 && back + s.vq.in_flight == posted);
    sim_free(&s);
}
