/* What arch/ offers the rest of the runtime. */
#ifndef TERN_ARCH_H
#define TERN_ARCH_H

void traps_init(void);
/* "Xen", "KVM", "QEMU TCG", "none", or the raw CPUID signature. */
const char *cpu_hypervisor_name(void);

#endif
