/* newlib glue: what boot_main calls to bring the C library up. */
#ifndef TERN_LIBC_H
#define TERN_LIBC_H

#include <tern/boot_info.h>

/* Heap from the page allocator, boot modules as files, environ from the
 * command line's KEY=VALUE entries. */
void libc_init(const struct boot_info *bi, char **env);
struct modfs;
/* Descriptors 0-2 on the console; the module file system, to fill. */
struct modfs *libc_files_init(void);
/* A struct _reent per thread (errno, strtok, rand...), switched with it. */
void libc_threads_init(void);
/* Bytes of heap the app has used at most (sbrk's highest break). */
uint64_t libc_heap_peak(void);
/* One phrase for the boot dump: heap size, files. */
const char *libc_describe(void);
/* What a system call returns for r, a result or a negative errno (the
 * descriptor table's convention): r, or -1 with errno set to -r. */
long sys_result(long r);

#endif
