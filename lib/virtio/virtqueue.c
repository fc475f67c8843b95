/*
 * Split virtqueues, the driver's side: pure logic over memory handed in
 * (include/tern/virtqueue.h), so host tests and a fuzzer drive it.
 *
 * Indices are free-running 16-bit counters; a ring slot is idx & (size-1).
 * The device is another agent writing the same memory, so every field it
 * writes is read exactly once (shared_read) and checked before use, and
 * the descriptor table and available ring are never read back.
 */
#include <stddef.h>
#include <tern/virtqueue.h>

/* Ordering against the device.  x86 keeps stores in order and loads in
 * order, so release and acquire cost nothing there but keep the compiler
 * from moving accesses; a full fence is needed where our store (avail idx,
 * used_event) must be visible before we read what the device wrote
 * (avail_event, used idx): store-load is the one order x86 does not keep.
 * The same __atomic fences serve the host build. */
#define virtq_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#define virtq_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define virtq_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)

/* One read (or write) of a shared field, never repeated or split by the
 * compiler. */
#define shared_read(x) (*(const volatile __typeof__(x) *)&(x))
#define shared_write(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

/* The most completions pending at once before a kick check is forced:
 * the event-index comparison is only meaningful over less than 2^15. */
#define VIRTQ_ADDED_MAX 0x8000u

const char *virtq_rule(int result)
{
    switch (result) {
    case VIRTQ_OK:
        return "";
    case VIRTQ_ERR_NOSPC:
        return "queue full";
    case VIRTQ_ERR_INVAL:
        return "chain refused";
    case VIRTQ_ERR_BROKEN:
        return "queue stopped after a device error";
    case VIRTQ_BREACH_IDX_JUMP:
        return "used idx advanced by more than the queue size";
    case VIRTQ_BREACH_IDX_BACK:
        return "used idx went backwards";
    case VIRTQ_BREACH_IDX_EXCESS:
        return "used idx counts more completions than chains in flight";
    case VIRTQ_BREACH_ID_RANGE:
        return "used id not below the queue size";
    case VIRTQ_BREACH_ID_NOT_HEAD:
        return "used id is inside a chain, not its head";
    case VIRTQ_BREACH_ID_NOT_IN_FLIGHT:
        return "used id names no chain in flight "
               "(never posted or already returned)";
    case VIRTQ_BREACH_LEN:
        return "used len exceeds the chain's device-writable bytes";
    }
    return "unknown virtqueue result";
}

int virtq_layout(uint16_t size, uint64_t base, struct virtio_queue_mem *mem)
{
    const uint64_t align = VIRTIO_LEGACY_ALIGN;
    uint64_t avail_bytes, used_off, used_bytes;

    if (size == 0 || size > VIRTIO_QUEUE_MAX || (size & (size - 1)) ||
        base % align)
        return -1;
    /* flags, idx, ring[size], used_event / avail_event */
    avail_bytes = 4 + 2u * size + 2;
    used_bytes = 4 + sizeof(struct virtq_used_elem) * size + 2;
    used_off = (sizeof(struct virtq_desc) * size + avail_bytes + align - 1) &
               ~(align - 1);
    mem->size = size;
    mem->base = mem->desc = base;
    mem->avail = base + sizeof(struct virtq_desc) * size;
    mem->used = base + used_off;
    mem->bytes = (used_off + used_bytes + align - 1) & ~(align - 1);
    return 0;
}

static void *at(uint64_t addr)
{
    return (void *)(uintptr_t)addr;
}

int virtq_init(struct virtq *vq, const struct virtio_queue_mem *mem,
               uint64_t features, struct virtq_desc *tables,
               unsigned ntables)
{
    struct virtio_queue_mem want;
    struct virtio_dev *dev = vq->dev;
    unsigned index = vq->index;

    if (virtq_layout(mem->size, mem->base, &want) || want.avail != mem->avail ||
        want.used != mem->used || mem->bytes < want.bytes ||
        ntables > VIRTQ_INDIRECT_TABLES || (ntables && !tables))
        return VIRTQ_ERR_INVAL;
    *vq = (struct virtq){0};
    vq->dev = dev; /* the wrapper's, set before */
    vq->index = index;
    vq->mem = *mem;
    vq->size = mem->size;
    vq->desc = at(mem->desc);
    vq->avail = at(mem->avail);
    vq->used = at(mem->used);
    vq->used_event = &vq->avail->ring[vq->size];
    vq->avail_event = (uint16_t *)&vq->used->ring[vq->size];
    vq->event_idx = features & (1ull << VIRTIO_F_EVENT_IDX);
    vq->indirect = (features & (1ull << VIRTIO_F_INDIRECT_DESC)) && ntables;
    vq->tables = tables;
    vq->ntables = ntables;
    vq->tables_free = ntables ? (uint32_t)((1ull << ntables) - 1) : 0;
    for (unsigned i = 0; i < vq->size; i++) {
        vq->slot[i].next = (uint16_t)(i + 1);
        vq->slot[i].table = -1;
    }
    vq->num_free = vq->size;
    return VIRTQ_OK;
}

/* Validate the chain's shape; its device-writable bytes in *in_bytes. */
static int chain_ok(const struct virtq_seg *segs, unsigned n, unsigned in,
                    void *token, uint32_t *in_bytes)
{
    uint64_t writable = 0;

    if (n == 0 || !token)
        return VIRTQ_ERR_INVAL;
    for (unsigned i = 0; i < n; i++) {
        /* QEMU stops a device given a zero-sized buffer. */
        if (segs[i].len == 0)
            return VIRTQ_ERR_INVAL;
        if (i >= n - in)
            writable += segs[i].len;
    }
    if (writable > UINT32_MAX)
        return VIRTQ_ERR_INVAL;
    *in_bytes = (uint32_t)writable;
    return VIRTQ_OK;
}

static void fill_desc(struct virtq_desc *d, const struct virtq_seg *s,
                      bool writable, bool more, uint16_t next)
{
    d->addr = s->addr;
    d->len = s->len;
    d->flags = (uint16_t)((writable ? VIRTQ_DESC_F_WRITE : 0) |
                          (more ? VIRTQ_DESC_F_NEXT : 0));
    d->next = more ? next : 0;
}

/* Whether a chain of n goes through an indirect table when one is free:
 * one descriptor gains nothing from it. */
static bool fits_a_table(const struct virtq *vq, unsigned n)
{
    return vq->indirect && n >= 2 && n <= VIRTQ_INDIRECT_MAX;
}

/* A free indirect table, or -1 (the chain then goes direct). */
static int take_table(struct virtq *vq, unsigned n)
{
    if (!fits_a_table(vq, n) || !vq->tables_free)
        return -1;
    int t = __builtin_ctz(vq->tables_free);
    vq->tables_free &= ~(1u << t);
    return t;
}

/* Take n descriptors off the free list, linked in order; the head. */
static uint16_t take_descs(struct virtq *vq, unsigned n)
{
    uint16_t head = vq->free_head, i = head;

    for (unsigned k = 0; k < n; k++) {
        vq->slot[i].state = k ? VIRTQ_SLOT_BODY : VIRTQ_SLOT_HEAD;
        if (k + 1 < n)
            i = vq->slot[i].next;
    }
    vq->free_head = vq->slot[i].next;
    vq->num_free = (uint16_t)(vq->num_free - n);
    return head;
}

static void write_indirect(struct virtq *vq, uint16_t head, int t,
                           const struct virtq_seg *segs, unsigned n,
                           unsigned in)
{
    struct virtq_desc *table = vq->tables + (unsigned)t * VIRTQ_INDIRECT_MAX;

    for (unsigned k = 0; k < n; k++)
        fill_desc(&table[k], &segs[k], k >= n - in, k + 1 < n,
                  (uint16_t)(k + 1));
    vq->desc[head].addr = (uint64_t)(uintptr_t)table;
    vq->desc[head].len = (uint32_t)(n * sizeof(*table));
    vq->desc[head].flags = VIRTQ_DESC_F_INDIRECT;
    vq->desc[head].next = 0;
}

static void write_direct(struct virtq *vq, uint16_t head,
                         const struct virtq_seg *segs, unsigned n,
                         unsigned in)
{
    uint16_t i = head;

    for (unsigned k = 0; k < n; k++) {
        fill_desc(&vq->desc[i], &segs[k], k >= n - in, k + 1 < n,
                  vq->slot[i].next);
        i = vq->slot[i].next;
    }
}

static void publish(struct virtq *vq, uint16_t head)
{
    shared_write(vq->avail->ring[vq->avail_idx & (vq->size - 1)], head);
    vq->avail_idx++;
    virtq_wmb(); /* the descriptors and ring entry before the index */
    shared_write(vq->avail->idx, vq->avail_idx);
    vq->in_flight++;
    if (vq->added < UINT32_MAX) /* a wrap to 0 would lose a kick */
        vq->added++;
}

int virtq_add(struct virtq *vq, const struct virtq_seg *segs, unsigned out,
              unsigned in, void *token)
{
    unsigned n = out + in;
    uint32_t in_bytes;
    uint16_t head;
    int r, t;

    if (vq->breach)
        return VIRTQ_ERR_BROKEN;
    /* Longer than the ring and than a table: it could never go.  (n <
     * out: out + in wrapped.) */
    if (n < out || (n > vq->size && !fits_a_table(vq, n)))
        return VIRTQ_ERR_INVAL;
    r = chain_ok(segs, n, in, token, &in_bytes);
    if (r)
        return r;
    t = take_table(vq, n);
    if (vq->num_free < (t < 0 ? n : 1)) {
        if (t >= 0)
            vq->tables_free |= 1u << t;
        return VIRTQ_ERR_NOSPC;
    }
    head = take_descs(vq, t < 0 ? n : 1);
    if (t >= 0)
        write_indirect(vq, head, t, segs, n, in);
    else
        write_direct(vq, head, segs, n, in);
    vq->slot[head].token = token;
    vq->slot[head].in_bytes = in_bytes;
    vq->slot[head].ndesc = (uint16_t)(t < 0 ? n : 1);
    vq->slot[head].table = (int8_t)t;
    publish(vq, head);
    return VIRTQ_OK;
}

bool virtq_kick_prepare(struct virtq *vq)
{
    uint16_t new_idx = vq->avail_idx;
    uint32_t added = vq->added;

    if (vq->breach || added == 0)
        return false;
    vq->added = 0;
    virtq_mb(); /* avail idx visible before we read the device's wish */
    if (!vq->event_idx)
        return !(shared_read(vq->used->flags) & VIRTQ_USED_F_NO_NOTIFY);
    if (added >= VIRTQ_ADDED_MAX)
        return true;
    return virtq_need_event(shared_read(*vq->avail_event), new_idx,
                            (uint16_t)(new_idx - added));
}

static int stop(struct virtq *vq, int breach)
{
    vq->breach = breach;
    return breach;
}

/* Read and check the device's used idx; the entries pending after it.
 * Called only once every entry seen before was consumed (used_seen ==
 * last_used), so an idx behind it went back and one more than the size
 * ahead jumped; the half-way point of the 16-bit circle decides which
 * to call it. */
static int refresh_used_idx(struct virtq *vq)
{
    uint16_t idx = shared_read(vq->used->idx);
    uint16_t ahead = (uint16_t)(idx - vq->last_used);

    if (ahead > vq->size)
        return stop(vq, (uint16_t)(vq->last_used - idx) < 0x8000u
                            ? VIRTQ_BREACH_IDX_BACK
                            : VIRTQ_BREACH_IDX_JUMP);
    if (ahead > vq->in_flight)
        return stop(vq, VIRTQ_BREACH_IDX_EXCESS);
    vq->used_seen = idx;
    virtq_rmb(); /* the index before the entries it covers */
    return ahead;
}

static void free_chain(struct virtq *vq, uint16_t head)
{
    struct virtq_slot *s = &vq->slot[head];
    uint16_t last = head;

    /* ndesc <= size and every link is our own, so this ends. */
    for (unsigned k = 1; k < s->ndesc; k++) {
        vq->slot[last].state = VIRTQ_SLOT_FREE;
        last = vq->slot[last].next;
    }
    vq->slot[last].state = VIRTQ_SLOT_FREE;
    vq->slot[last].next = vq->free_head;
    vq->free_head = head;
    vq->num_free = (uint16_t)(vq->num_free + s->ndesc);
    if (s->table >= 0)
        vq->tables_free |= 1u << s->table;
    s->token = NULL;
    s->table = -1;
    s->ndesc = 0;
    vq->in_flight--;
}

int virtq_get_used(struct virtq *vq, void **token, uint32_t *len)
{
    struct virtq_used_elem *e;
    uint32_t id, n;

    if (vq->breach)
        return VIRTQ_ERR_BROKEN;
    if (vq->used_seen == vq->last_used) {
        int pending = refresh_used_idx(vq);

        if (pending <= 0)
            return pending;
    }
    e = &vq->used->ring[vq->last_used & (vq->size - 1)];
    id = shared_read(e->id);
    n = shared_read(e->len);
    if (id >= vq->size)
        return stop(vq, VIRTQ_BREACH_ID_RANGE);
    if (vq->slot[id].state == VIRTQ_SLOT_BODY)
        return stop(vq, VIRTQ_BREACH_ID_NOT_HEAD);
    if (vq->slot[id].state != VIRTQ_SLOT_HEAD)
        return stop(vq, VIRTQ_BREACH_ID_NOT_IN_FLIGHT);
    if (n > vq->slot[id].in_bytes)
        return stop(vq, VIRTQ_BREACH_LEN);
    *token = vq->slot[id].token;
    *len = n;
    vq->last_used++;
    free_chain(vq, (uint16_t)id);
    return 1;
}

int virtq_enable_cb(struct virtq *vq)
{
    if (vq->breach)
        return VIRTQ_ERR_BROKEN;
    if (vq->event_idx) {
        shared_write(*vq->used_event, vq->last_used);
    } else {
        vq->avail_flags &= (uint16_t)~VIRTQ_AVAIL_F_NO_INTERRUPT;
        shared_write(vq->avail->flags, vq->avail_flags);
    }
    virtq_mb(); /* the request visible before we look for completions */
    if (vq->used_seen != vq->last_used)
        return 1;
    return refresh_used_idx(vq) > 0 ? 1 : vq->breach;
}

void virtq_disable_cb(struct virtq *vq)
{
    /* With EVENT_IDX the flag is ignored by the device; used_event is
     * left where it is, behind last_used, so only a completion 2^16
     * later would pass it: a spurious interrupt at worst. */
    vq->avail_flags |= VIRTQ_AVAIL_F_NO_INTERRUPT;
    if (!vq->event_idx)
        shared_write(vq->avail->flags, vq->avail_flags);
}

void *virtq_detach_unused(struct virtq *vq)
{
    for (uint16_t i = 0; i < vq->size; i++) {
        if (vq->slot[i].state == VIRTQ_SLOT_HEAD) {
            void *token = vq->slot[i].token;

            free_chain(vq, i);
            return token;
        }
    }
    return NULL;
}
