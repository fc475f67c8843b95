# Required: the scheduler's timed waits and the C library's clocks.
obj-y += lib/time/clock.c lib/time/tsc_rate.c
