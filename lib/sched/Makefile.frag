obj-y += lib/sched/queue.c lib/sched/thread.c lib/sched/sync.c \
         lib/sched/mbox.c
