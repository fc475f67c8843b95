obj-y += lib/time/clock.c lib/time/civil.c lib/time/tsc_rate.c lib/time/refclock.c \
         lib/time/rtc_irq.c
