obj-$(CONFIG_BLK) += \
  lib/blk/blk.c \
  lib/blk/blk_check.c \
  lib/blk/blk_file.c
