obj-y += \
  arch/x86_64/cpu_check.S \
  arch/x86_64/entry_state.c \
  arch/x86_64/gdt.c \
  arch/x86_64/hypervisor.c \
  arch/x86_64/ioapic.c \
  arch/x86_64/irq_bind.c \
  arch/x86_64/irq_route.c \
  arch/x86_64/lapic.c \
  arch/x86_64/pagetable.c \
  arch/x86_64/paging.c \
  arch/x86_64/pic.c \
  arch/x86_64/pvh_entry.S \
  arch/x86_64/stacks.S \
  arch/x86_64/switch.S \
  arch/x86_64/traps.S \
  arch/x86_64/traps.c
