/* What differs between the Tern image (platform_tern.c) and the host
 * build (platform_host.c). */
#ifndef KV_PLATFORM_H
#define KV_PLATFORM_H

extern const char *const kv_default_bind;
extern const char *const kv_default_disk; /* NULL: none */
/* Once at start: the host build ignores SIGPIPE (Tern has no signals). */
void kv_platform_init(void);
/* The snapshot disk, read-write: -1 with errno when it cannot be had. */
int kv_open_disk(const char *path);

#endif
