/* kv's own memory accounting: every allocation the server makes for keys,
 * values, client buffers and parser state goes through these, so that
 * MAXMEMORY bounds what kv holds, and a failed allocation is an answer
 * (an -OOM reply, a refused client) rather than a crash. */
#ifndef KV_MEM_H
#define KV_MEM_H

#include <stddef.h>

void *kvmem_alloc(size_t n);
void *kvmem_realloc(void *p, size_t n);
void kvmem_free(void *p);
/* Bytes held now, counting each block's bookkeeping header. */
size_t kvmem_used(void);
/* The header each block costs on top of what was asked for. */
#define KVMEM_OVERHEAD 16
/* Tests: fail every allocation after the next n succeed (-1: never). */
void kvmem_fail_after(long n);

#endif
