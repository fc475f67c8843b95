# The base platform: always built (others are merged over it).
obj-$(CONFIG_CONSOLE_COM1) += arch/x86_64/pc/uart16550.c
# Always built: a Xen domU logs through port 0xe9 whatever the probe says.
obj-y += \
  arch/x86_64/pc/acpi_poweroff.c \
  arch/x86_64/pc/debugcon.c \
  arch/x86_64/pc/fwcfg.c \
  arch/x86_64/pc/platform_pc.c \
  arch/x86_64/pc/refclock.c \
  arch/x86_64/pc/rtc.c \
  arch/x86_64/pc/rtc_decode.c \
  arch/x86_64/pc/rtc_irq.c
