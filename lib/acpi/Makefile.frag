obj-y += lib/acpi/tables.c lib/acpi/poweroff.c
