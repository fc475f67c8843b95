/* One request in flight for blk-selftest and blk-bench: its completion
 * counts an error and frees its slot (a semaphore of free slots). */
#ifndef APPS_BLK_JOBS_H
#define APPS_BLK_JOBS_H

#include <tern/blk.h>
#include <tern/thread.h>

struct job {
    struct blk_request req;
    struct semaphore *slots;
    int *errors;
};

static inline void job_done(struct blk_request *req)
{
    struct job *j = (struct job *)req;

    if (req->status)
        (*j->errors)++;
    sem_up(j->slots);
}

#endif
