/*
 * lwIP's operating-system types on Tern's threads (tern/thread.h):
 * semaphores, mutexes and message boxes are the scheduler's own, with a
 * valid flag because lwIP asks whether one was made.
 */
#ifndef TERN_LWIP_ARCH_SYS_ARCH_H
#define TERN_LWIP_ARCH_SYS_ARCH_H

#include <tern/thread.h>

typedef struct {
    struct semaphore sem;
    int valid;
} sys_sem_t;

typedef struct {
    struct mutex mutex;
    int valid;
} sys_mutex_t;

typedef struct {
    struct mbox box; /* box.slots from malloc */
    int valid;
} sys_mbox_t;

typedef struct thread *sys_thread_t;

#define sys_sem_valid(s) ((s) != NULL && (s)->valid)
#define sys_sem_set_invalid(s) ((s)->valid = 0)
#define sys_mutex_valid(m) ((m) != NULL && (m)->valid)
#define sys_mutex_set_invalid(m) ((m)->valid = 0)
#define sys_mbox_valid(b) ((b) != NULL && (b)->valid)
#define sys_mbox_set_invalid(b) ((b)->valid = 0)

#endif
