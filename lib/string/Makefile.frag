obj-y += lib/string/string.c
