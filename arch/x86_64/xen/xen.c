/*
 * Xen detection and the hypercall page.  Xen is recognised from CPUID
 * alone (the "XenVMMXenVMM" leaf, which may sit at 0x40000100 when Xen
 * also offers Viridian), never from start_info.
 */
#include <string.h>
#include <tern/format.h>
#include <tern/io.h>
#include <tern/log.h>
#include <tern/xen.h>
#include <tern/xen_pvclock.h>
#include <xen/arch-x86/cpuid.h>
#include <xen/errno.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/params.h>
#include <xen/memory.h>
#include <xen/sched.h>
#include <xen/version.h>
#include <xen/xen.h>
#include "hypercall.h"

/* Xen writes the hypercall stubs here (through guest-physical memory,
 * not our page tables) and we call into it: it belongs with the text,
 * the only executable range once paging_protect_kernel has run. */
__asm__(".pushsection .text.xen_hypercall_page, \"ax\", @progbits\n"
        ".p2align 12\n"
        ".globl xen_hypercall_page\n"
        "xen_hypercall_page: .skip 4096\n"
        ".popsection");
static uint8_t shared_info_page[4096] __attribute__((aligned(4096)));
static uint32_t cpuid_base;
static bool shared_info_mapped;

static uint32_t find_cpuid_base(void)
{
    for (uint32_t leaf = XEN_CPUID_FIRST_LEAF; leaf < XEN_CPUID_FIRST_LEAF + 0x10000;
         leaf += 0x100) {
        uint32_t a, b, c, d;

        cpuid(leaf, &a, &b, &c, &d);
        if (b == XEN_CPUID_SIGNATURE_EBX && c == XEN_CPUID_SIGNATURE_ECX &&
            d == XEN_CPUID_SIGNATURE_EDX && a - leaf >= 2 && a - leaf < 0x100)
            return leaf;
    }
    return 0;
}

static int xen_map_shared_info(void)
{
    struct xen_add_to_physmap xatp = {
        .domid = DOMID_SELF,
        .space = XENMAPSPACE_shared_info,
        .idx = 0,
        .gpfn = (uintptr_t)shared_info_page >> 12,
    };
    long rc = hypercall2(__HYPERVISOR_memory_op, XENMEM_add_to_physmap,
                         (uintptr_t)&xatp);

    shared_info_mapped = rc == 0;
    return (int)rc;
}

/* Xen's CPUID leaves are there (the hypervisor bit, then the
 * signature); nothing is set up and nothing printed. */
bool xen_detect(void)
{
    uint32_t a, b, c, d;

    cpuid(1, &a, &b, &c, &d);
    return (c & (1u << 31)) && find_cpuid_base() != 0;
}

int xen_init(void)
{
    uint32_t a, b, c, d;
    long rc;

    if (!xen_detect())
        return -1;
    cpuid_base = find_cpuid_base();
    cpuid(cpuid_base + 2, &a, &b, &c, &d);
    if (a < 1) {
        cpuid_base = 0;
        pr_err("xen: CPUID says 0 hypercall pages; not using Xen");
        return -1;
    }
    wrmsr(b, (uintptr_t)xen_hypercall_page);
    if (xen_hypercall_page[0] == 0 && xen_hypercall_page[1] == 0) {
        cpuid_base = 0;
        pr_err("xen: hypercall page still empty after MSR 0x%x; not using "
               "Xen", b);
        return -1;
    }
    if ((rc = xen_map_shared_info()) != 0)
        pr_warn("xen: mapping shared_info failed (%ld)", rc);
    return 0;
}

bool xen_present(void)
{
    return cpuid_base != 0;
}

const char *xen_version_string(void)
{
    static char buf[48];
    xen_extraversion_t extra;
    long v = hypercall2(__HYPERVISOR_xen_version, XENVER_version, 0);

    memset(extra, 0, sizeof(extra));
    if (hypercall2(__HYPERVISOR_xen_version, XENVER_extraversion,
                   (uintptr_t)extra) < 0)
        extra[0] = 0;
    extra[sizeof(extra) - 1] = 0;
    tern_snprintf(buf, sizeof(buf), "%ld.%ld%s", v >> 16, v & 0xffff, extra);
    return buf;
}

uint32_t xen_wallclock_seconds(void)
{
    const volatile struct shared_info *s =
        (const volatile struct shared_info *)shared_info_page;

    return shared_info_mapped ? s->wc_sec : 0;
}

int xen_memory_map(struct mem_region *out, unsigned cap)
{
    static uint8_t buf[20 * 128]; /* E820 records, 20 bytes each */
    struct xen_memory_map map = {.nr_entries = sizeof(buf) / 20};
    long rc;

    set_xen_guest_handle(map.buffer, buf);
    rc = hypercall2(__HYPERVISOR_memory_op, XENMEM_memory_map,
                    (uintptr_t)&map);
    if (rc < 0)
        return (int)rc;
    if (map.nr_entries > sizeof(buf) / 20) {
        pr_err("xen: XENMEM_memory_map claims %u entries in a buffer of %u",
               map.nr_entries, (unsigned)(sizeof(buf) / 20));
        return -XEN_EINVAL;
    }
    rc = e820_parse(buf, map.nr_entries * 20, out, cap);
    return rc < 0 ? -XEN_E2BIG : (int)rc;
}

static const volatile struct vcpu_time_info *time_info(void)
{
    return &((const volatile struct shared_info *)shared_info_page)
                ->vcpu_info[0]
                .time;
}

/* Xen's pvclock, read under the version counter (odd while Xen updates
 * it).  The TSC is read inside the versioned section, after an lfence:
 * a TSC read that ran ahead of the record, or one taken after Xen moved
 * the vCPU and rewrote the record, would not match the stamp.  0 when
 * shared_info is not mapped or the record is not usable. */
uint64_t xen_system_time_ns(void)
{
    const volatile struct vcpu_time_info *t = time_info();
    struct pvclock_snapshot p;
    uint32_t version;
    uint64_t tsc;

    if (!shared_info_mapped)
        return 0;
    do {
        version = t->version;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        p.tsc_timestamp = t->tsc_timestamp;
        p.system_time = t->system_time;
        p.mul = t->tsc_to_system_mul;
        p.shift = t->tsc_shift;
        __asm__ volatile("lfence" : : : "memory");
        tsc = rdtsc();
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
    } while ((version & 1) || version != t->version);
    if (!pvclock_usable(p.mul, p.shift))
        return 0;
    return pvclock_ns(&p, tsc);
}

/* Wall clock (ns since the epoch) at system time 0. */
uint64_t xen_wallclock_base_ns(void)
{
    const volatile struct shared_info *s =
        (const volatile struct shared_info *)shared_info_page;
    uint32_t version;
    uint64_t sec, nsec;

    if (!shared_info_mapped)
        return 0;
    do {
        version = s->wc_version;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        sec = (uint64_t)s->xen_wc_sec_hi << 32 | s->wc_sec;
        nsec = s->wc_nsec;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
    } while ((version & 1) || version != s->wc_version);
    return sec * 1000000000ull + nsec;
}

/* The TSC rate pvclock implies: ns = ((tsc << shift) * mul) >> 32. */
uint64_t xen_tsc_hz(void)
{
    const volatile struct vcpu_time_info *t = time_info();

    return pvclock_tsc_hz(t->tsc_to_system_mul, t->tsc_shift);
}

struct shared_info *xen_shared_info(void)
{
    return (struct shared_info *)shared_info_page;
}

/* SCHEDOP_shutdown; returns only if Xen refused. */
void xen_shutdown(unsigned reason)
{
    struct sched_shutdown s = {.reason = reason};

    hypercall2(__HYPERVISOR_sched_op, SCHEDOP_shutdown, (uintptr_t)&s);
}

/* For the PV device layer (lib/xenbus), which has no hypercall page of
 * its own: the three operations it needs, nothing more. */
long xen_hvm_param_get(uint32_t index, uint64_t *value)
{
    struct xen_hvm_param p = {.domid = DOMID_SELF, .index = index};
    long rc = hypercall2(__HYPERVISOR_hvm_op, HVMOP_get_param, (uintptr_t)&p);

    *value = rc ? 0 : p.value;
    return rc;
}

long xen_add_to_physmap(unsigned space, uint64_t idx, uint64_t gpfn)
{
    struct xen_add_to_physmap xatp = {
        .domid = DOMID_SELF,
        .space = space,
        .idx = idx,
        .gpfn = gpfn,
    };

    return hypercall2(__HYPERVISOR_memory_op, XENMEM_add_to_physmap,
                      (uintptr_t)&xatp);
}

long xen_grant_table_op(unsigned cmd, void *arg, unsigned count)
{
    return hypercall3(__HYPERVISOR_grant_table_op, cmd, (uintptr_t)arg,
                      count);
}
