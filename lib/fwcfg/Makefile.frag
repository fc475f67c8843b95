obj-y += lib/fwcfg/fwcfg.c
