# Required by everything: not optional.
obj-y += \
  lib/core/bootstats.c \
  lib/core/civil.c \
  lib/core/console.c \
  lib/core/driver.c \
  lib/core/exit.c \
  lib/core/format.c \
  lib/core/log.c \
  lib/core/phys.c \
  lib/core/platform.c
