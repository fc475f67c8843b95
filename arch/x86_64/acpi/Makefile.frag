# ACPI tables as x86 firmware gives them: the MADT for the I/O APICs, the
# FADT for the PM timer and power-off, every table's extent.
obj-y += \
  arch/x86_64/acpi/extent.c \
  arch/x86_64/acpi/regs.c \
  arch/x86_64/acpi/tables.c
# Read at boot and at power-off: small rather than fast.
$(O)/obj/arch/x86_64/acpi/%: KERNEL_CFLAGS += -Os
