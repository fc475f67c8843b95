obj-y += lib/acpi/tables.c lib/acpi/regs.c lib/acpi/poweroff.c \
         lib/acpi/extent.c
