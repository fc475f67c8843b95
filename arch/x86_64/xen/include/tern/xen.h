/* Running under Xen: detection from CPUID, hypercalls, console, memory
 * map and shutdown.  ABI from libxen-dev's xen/ headers. */
#ifndef TERN_XEN_H
#define TERN_XEN_H

#include <stdbool.h>
#include <stdint.h>
#include <tern/memmap.h>

/* Finds Xen's CPUID leaves, installs the hypercall page and maps
 * shared_info.  Returns 0
 * under Xen, -1 elsewhere (or when the hypercall page cannot be set up,
 * which is reported).  Everything below needs it to have succeeded. */
bool xen_detect(void);
int xen_init(void);
bool xen_present(void);

/* HYPERVISOR_console_io as a console sink: Xen's own log, what a dom0
 * (and a debug Xen's domU) prints to. */
void xen_console_init(void);

/* The PV console ring from HVM_PARAM_CONSOLE_PFN/EVTCHN as a console
 * sink (what "xl console" shows for a domU).  -1 when there is none (a
 * dom0) or its values are out of range. */
int xen_pv_console_init(void);

/* "4.17.7" style version and "XENVER_extraversion" suffix. */
const char *xen_version_string(void);

/* The guest's memory map from XENMEM_memory_map: entries, or a negative
 * Xen error code. */
int xen_memory_map(struct mem_region *out, unsigned cap);

/* Seconds of Xen's wall clock at system time 0, from shared_info (which
 * xen_init maps with XENMEM_add_to_physmap); 0 when it is not mapped. */
uint32_t xen_wallclock_seconds(void);

/* pvclock from shared_info: nanoseconds since Xen booted, and the wall
 * clock (ns since the epoch) at that moment.  0 when unmapped. */
uint64_t xen_system_time_ns(void);
uint64_t xen_wallclock_base_ns(void);
uint64_t xen_tsc_hz(void);

/* HVMOP_get_param for this domain (HVM_PARAM_STORE_PFN, ...): 0 with
 * *value set, or a negative Xen error (*value 0). */
long xen_hvm_param_get(uint32_t index, uint64_t *value);
/* XENMEM_add_to_physmap for this domain: 0 or a negative Xen error. */
long xen_add_to_physmap(unsigned space, uint64_t idx, uint64_t gpfn);
/* HYPERVISOR_grant_table_op(cmd, arg, count). */
long xen_grant_table_op(unsigned cmd, void *arg, unsigned count);

/* SCHEDOP_shutdown; returns only if Xen refused. */
void xen_shutdown(unsigned reason);

#endif
