#!/usr/bin/python3
"""Tern's Kconfig driver (kconfiglib, from python3-kconfiglib).

  kconfig.py sync      DEFCONFIG DOTCONFIG HEADER   .config from defconfig if
                                                    missing or older than it,
                                                    else refreshed; header
  kconfig.py defconfig DEFCONFIG DOTCONFIG HEADER   .config from defconfig
  kconfig.py menuconfig DOTCONFIG HEADER            interactive, then header
  kconfig.py variants  DEFCONFIG OUTDIR             one defconfig per value
                                                    DEFCONFIG does not pick
                                                    (see variants() below)

Any kconfiglib warning (a bad value, an out-of-range number, an unknown
symbol) is an error: a configuration is either what was asked or nothing.
The app name comes from the environment variable TERN_APP.
"""
import os
import sys

try:
    import kconfiglib
except ImportError:
    sys.exit("kconfig: python3-kconfiglib is missing: run scripts/setup "
             "(or apt-get install python3-kconfiglib)")


def load(path, generated=False):
    """generated: path is a .config written by an older Tern, where an
    option since removed is dropped with a note, not refused."""
    kconf = kconfiglib.Kconfig("Kconfig", warn_to_stderr=False)
    kconf.warn_assign_undef = True
    kconf.warn_assign_override = True
    if path:
        kconf.load_config(path)
    for sym in kconf.unique_defined_syms:
        sym.str_value  # range violations are only reported when evaluated
    warnings = kconf.warnings
    if generated:
        gone = [w for w in warnings if "undefined symbol" in w]
        for w in gone:
            name = w.split("undefined symbol")[-1].strip()
            print(f"kconfig: note: {path}: {name} is no longer an option; "
                  "dropped", file=sys.stderr)
        warnings = [w for w in warnings if w not in gone]
    if warnings:
        for w in warnings:
            w = w.strip().removeprefix("warning: ")
            print(f"kconfig: error: {w}", file=sys.stderr)
        sys.exit(f"kconfig: {path}: fix the values above "
                 "(see 'make menuconfig' for each option's range)")
    return kconf


def write(kconf, dotconfig, header):
    os.makedirs(os.path.dirname(dotconfig) or ".", exist_ok=True)
    os.makedirs(os.path.dirname(header) or ".", exist_ok=True)
    kconf.write_config(dotconfig, header="# Tern configuration\n")
    kconf.write_autoconf(header)


def variant_values(kconf):
    """Every value a user can pick that the loaded configuration has not
    picked: each other member of every choice, and the other value of every
    bool option that has a prompt.  Found from the Kconfig files, so a new
    choice or option is covered without editing the callers."""
    for choice in kconf.unique_choices:
        for sym in choice.syms:
            if sym is not choice.selection:
                yield sym.name, 2
    for sym in kconf.unique_defined_syms:
        if (sym.type == kconfiglib.BOOL and not sym.choice
                and any(node.prompt for node in sym.nodes)):
            yield sym.name, 0 if sym.tri_value == 2 else 2


def variants(defconfig, outdir):
    """Writes OUTDIR/<SYMBOL>_<y|n>_defconfig for each variant value, the
    base DEFCONFIG with that one value changed, and prints one line per
    variant: "SYMBOL=VALUE PATH", or "SYMBOL=VALUE unreachable: WHY" when
    the base configuration's dependencies do not allow it."""
    os.makedirs(outdir, exist_ok=True)
    for name, value in list(variant_values(load(defconfig))):
        kconf = load(defconfig)
        sym = kconf.syms[name]
        sym.set_value(value)
        setting = f"{name}={'y' if value else 'n'}"
        if sym.tri_value != value:
            print(f"{setting} unreachable: depends on "
                  f"{kconfiglib.expr_str(sym.direct_dep)}")
            continue
        path = os.path.join(outdir, f"{name}_{'y' if value else 'n'}_defconfig")
        kconf.write_min_config(path)
        print(f"{setting} {path}")


def main(argv):
    if len(argv) == 4 and argv[0] in ("sync", "defconfig"):
        defconfig, dotconfig, header = argv[1:]
        source = dotconfig
        if (argv[0] == "defconfig" or not os.path.exists(dotconfig)
                or os.path.getmtime(defconfig) > os.path.getmtime(dotconfig)):
            source = defconfig
        write(load(source, generated=source == dotconfig), dotconfig, header)
    elif len(argv) == 3 and argv[0] == "menuconfig":
        dotconfig, header = argv[1:]
        os.environ["KCONFIG_CONFIG"] = dotconfig
        import menuconfig
        kconf = load(dotconfig if os.path.exists(dotconfig) else None)
        menuconfig.menuconfig(kconf)
        write(load(dotconfig), dotconfig, header)
    elif len(argv) == 3 and argv[0] == "variants":
        variants(argv[1], argv[2])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
