"""make xl-config and make libvirt-xml, checked (docs/deploy.md).

For httpd (a network app with a boot module), kv (a disk; echo, a
network app, until kv lands) and hello (neither): the xl file read by
xl's own parser (build/tests/xl-cfg-check), its keys exactly those the
app needs; both libvirt files valid for libvirt's schema
(virt-xml-validate) and saying what the app needs; no path of this
machine in them but the image, module and disk the user named.  Bad
settings: one clear line, and no file written or replaced.  The domU
tier (tests/run.py, "xen domU hello" and "xen domU pvhcheck") creates
Xen domains from files these targets wrote.
"""
import os
import re
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(ROOT, "build")
XL_CHECK = os.path.join(BUILD, "tests", "xl-cfg-check")
SETTINGS = ("MEM", "APPEND", "DISK", "BRIDGE", "NETWORK", "NAME", "MODULES",
            "DISK_REQUIRED")
BASE_KEYS = {"type", "name", "kernel", "memory", "vcpus", "on_poweroff",
             "on_crash"}


def make_deploy(target, app, outdir, **settings):
    """make TARGET APP=app DEPLOY_DIR=outdir KEY=VALUE...; the caller's
    own MEM, DISK... left out of the environment."""
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS}
    env.update({k: v for k, v in settings.items() if k == "DISK_REQUIRED"})
    words = [f"{k}={v}" for k, v in settings.items() if k != "DISK_REQUIRED"]
    return subprocess.run(["make", "--no-print-directory", "-C", ROOT, target,
                           f"APP={app}", f"DEPLOY_DIR={outdir}", *words],
                          capture_output=True, text=True, env=env)


def uses_network(app):
    with open(os.path.join(BUILD, app, ".config")) as f:
        return "CONFIG_LWIP=y\n" in f.read()


def xl_keys(text):
    return {m.group(1) for m in re.finditer(r"^(\w+) = ", text, re.M)}


def foreign_paths(text, allowed):
    """Absolute paths in a generated file other than the allowed ones
    (an XML end tag's slash follows a '<')."""
    found = set(re.findall(r"(?<![\w.<])(/[\w./+-]+)", text))
    return sorted(p for p in found if p not in allowed)


def check_xl(path, app, image, module, disk, append):
    problems = []
    p = subprocess.run([XL_CHECK, path], capture_output=True, text=True)
    if p.returncode:
        problems.append(f"xl-cfg-check: {p.stderr.strip()}")
    if append and f'cmdline "{append}";' not in p.stdout:
        problems.append(f"xl reads the command line otherwise: {p.stdout.strip()}")
    text = open(path).read()
    want = set(BASE_KEYS)
    want |= {"cmdline"} if append else set()
    want |= {"ramdisk"} if module else set()
    want |= {"vif"} if uses_network(app) else set()
    want |= {"disk"} if disk else set()
    if xl_keys(text) != want:
        problems.append(f"keys {sorted(xl_keys(text))}, expected {sorted(want)}")
    if f'kernel = "{image}"\n' not in text:
        problems.append("kernel is not the image's absolute path")
    if module and f'ramdisk = "{module}"\n' not in text:
        problems.append("ramdisk is not the module's absolute path")
    if disk and f"target={disk}' ]" not in text:
        problems.append("disk target is not DISK's absolute path")
    extra = foreign_paths(text, {image, module, disk})
    if extra:
        problems.append(f"paths of this machine: {extra}")
    return problems


def xml_problems(path, kind, app, image, module, disk, append):
    problems = []
    p = subprocess.run(["virt-xml-validate", path, "domain"],
                       capture_output=True, text=True)
    if p.returncode:
        problems.append(f"virt-xml-validate: {(p.stdout + p.stderr).strip()[-300:]}")
    d = ET.parse(path).getroot()
    t = d.find("os/type")
    want_type = ("xenpvh", "xenpvh") if kind == "xen" else ("hvm", "q35")
    if d.get("type") != kind or t is None or \
            (t.text, t.get("machine")) != want_type:
        problems.append(f"domain/os type not {kind} {want_type}")
    if d.findtext("os/kernel") != image:
        problems.append("os/kernel is not the image")
    if d.findtext("os/cmdline") != append:
        problems.append(f"os/cmdline is {d.findtext('os/cmdline')!r}, not {append!r}")
    if d.findtext("os/initrd") != module:
        problems.append(f"os/initrd is {d.findtext('os/initrd')}, not {module}")
    ifaces = d.findall("devices/interface")
    if len(ifaces) != uses_network(app):
        problems.append(f"{len(ifaces)} interface(s) for network={uses_network(app)}")
    if kind == "qemu" and ifaces and ifaces[0].find("model").get("type") != "virtio":
        problems.append("the QEMU card is not virtio")
    disks = [x.find("source").get("file") for x in d.findall("devices/disk")]
    if disks != ([disk] if disk else []):
        problems.append(f"disks {disks}, expected {disk}")
    if d.find("devices/graphics") is not None or d.find("devices/console") is None:
        problems.append("graphics, or no console")
    if d.findtext("on_poweroff") != "destroy":
        problems.append("on_poweroff is not destroy")
    extra = foreign_paths(open(path).read(), {image, module, disk, "/dev/urandom"})
    if extra:
        problems.append(f"paths of this machine: {extra}")
    return problems


def check_app(res, app, tmp):
    image = os.path.join(BUILD, app, f"tern-{app}.elf")
    out = os.path.join(tmp, app)
    module = os.path.join(BUILD, "httpd", "site.tar") if app == "httpd" else None
    disk = None
    settings = {"APPEND": 'net.ip=10.0.0.2 PORT=80 -- "two words" x'}
    if app in ("kv", "echo"):
        disk = os.path.join(tmp, f"{app}.img")
        with open(disk, "wb") as f:
            f.truncate(1 << 20)
        settings["DISK"] = disk
    for target in ("xl-config", "libvirt-xml"):
        p = make_deploy(target, app, out, **settings)
        if p.returncode:
            res.report(f"deploy: make {target} APP={app}", False, p.stderr[-500:])
            return
    res.report(f"deploy: {app}.xl read by xl's parser, with the keys {app} needs",
               *_verdict(check_xl(os.path.join(out, f"{app}.xl"), app, image,
                                  module, disk, settings["APPEND"])))
    for kind in ("xen", "qemu"):
        res.report(f"deploy: {app}-{kind}.xml valid for libvirt's schema, with what {app} needs",
                   *_verdict(xml_problems(os.path.join(out, f"{app}-{kind}.xml"),
                                          kind, app, image, module, disk,
                                          settings["APPEND"])))


def _verdict(problems):
    return not problems, "; ".join(problems)


BAD = [
    ("MEM=abc", "hello", {"MEM": "abc"}, "MEM='abc': give MiB as a number"),
    ("MEM=0", "hello", {"MEM": "0"}, "outside 4.."),
    ("MEM=3000K", "hello", {"MEM": "3000K"}, "not a whole number of MiB"),
    ("DISK missing", "hello", {"DISK": "/nonexistent/disk.img"}, "no such file"),
    ("BRIDGE with a space", "echo", {"BRIDGE": "br 0"}, "not a network interface name"),
    ("APPEND with a single quote", "hello", {"APPEND": "-- it's"}, "single quotes"),
    ("two MODULES", "hello", {"MODULES": "Makefile,README.md"}, "one module"),
    ("an app that needs a disk without DISK", "hello", {"DISK_REQUIRED": "yes"},
     "give DISK=FILE"),
]


def check_bad_settings(res, tmp):
    good = os.path.join(tmp, "good")
    p = make_deploy("xl-config", "hello", good)
    before = open(os.path.join(good, "hello.xl")).read() if not p.returncode else None
    for what, app, settings, words in BAD:
        fresh = os.path.join(tmp, "bad-" + re.sub(r"\W", "_", what))
        seen = []
        for target in ("xl-config", "libvirt-xml"):
            for outdir in (fresh, good):
                p = make_deploy(target, app, outdir, **settings)
                seen.append(p.returncode != 0 and words in p.stderr)
        left = os.listdir(fresh) if os.path.isdir(fresh) else []
        kept = before is not None and \
            open(os.path.join(good, "hello.xl")).read() == before
        res.report(f"deploy: {what} is a clear error, no file written or replaced",
                   all(seen) and not left and kept,
                   f"errors as expected {seen}; files written {left}; earlier "
                   f"file kept {kept}; last stderr {p.stderr[-300:]}")
    empty = os.path.join(tmp, "nobuild")
    p = make_deploy("xl-config", "hello", empty, BUILD=empty)
    res.report("deploy: an APP not built yet is a clear error",
               p.returncode != 0 and "no image" in p.stderr and
               "make APP=hello" in p.stderr and not os.path.exists(
                   os.path.join(empty, "hello.xl")), p.stderr[-300:])


def run_deploy_checks(res):
    for tool, package in (("virt-xml-validate", "libvirt-clients"),):
        if not shutil.which(tool):
            res.report("deploy files", False,
                       f"{tool} not found: run scripts/setup (Debian package {package})")
            return
    if not os.access(XL_CHECK, os.X_OK):
        res.report("deploy files", False, f"no {XL_CHECK}: make test builds it")
        return
    data_app = "kv" if os.path.isdir(os.path.join(ROOT, "apps", "kv")) else "echo"
    with tempfile.TemporaryDirectory() as tmp:
        for app in ("httpd", data_app, "hello"):
            check_app(res, app, tmp)
        check_bad_settings(res, tmp)
