obj-y += lib/time/clock.c lib/time/civil.c
