/* Which hypervisor, from CPUID (never from start_info alone): the
 * signature in leaves 0x40000000 and up, when CPUID.1:ECX.31 says one is
 * there.  Xen may sit at 0x40000100 when it also offers Viridian. */
#include <string.h>
#include <tern/arch.h>
#include <tern/io.h>

static void read_signature(uint32_t leaf, char sig[13])
{
    uint32_t a, b, c, d;

    cpuid(leaf, &a, &b, &c, &d);
    memcpy(sig, &b, 4);
    memcpy(sig + 4, &c, 4);
    memcpy(sig + 8, &d, 4);
    sig[12] = 0;
}

const char *cpu_hypervisor_name(void)
{
    static char sig[13];
    uint32_t a, b, c, d;

    cpuid(1, &a, &b, &c, &d);
    if (!(c & (1u << 31)))
        return "none";
    for (uint32_t leaf = 0x40000000; leaf < 0x40010000; leaf += 0x100) {
        read_signature(leaf, sig);
        if (!strcmp(sig, "XenVMMXenVMM"))
            return "Xen";
        if (!strcmp(sig, "KVMKVMKVM"))
            return "KVM";
        if (!strcmp(sig, "TCGTCGTCGTCG"))
            return "QEMU TCG";
    }
    read_signature(0x40000000, sig);
    return sig[0] ? sig : "unknown";
}
