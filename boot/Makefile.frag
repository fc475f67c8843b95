# The entry protocol (PVH's C side, the start_info parser) and boot_main.
obj-y += \
  boot/boot.c \
  boot/cmdline.c \
  boot/pvh.c \
  boot/pvh_boot.c \
  boot/pvh_memory.c
