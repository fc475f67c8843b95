obj-y += lib/mm/memmap.c lib/mm/page_alloc.c lib/mm/mm.c lib/mm/objpool.c \
         lib/mm/kalloc.c
