#!/usr/bin/env python3
"""firmware_test.py BUILD FIXTURES OUT - igdkit's EFI drivers inside OVMF, under QEMU (TCG is enough)

QEMU has no emulated IGD, so an e1000 (8086:100e) at 00:02.0 stands in for it,
with a ROM built by `igdkit rom build --igd-helpers --test-accept 8086:100e
--compress` (OVMF inflates each image) plus the test-only VBT probe driver, and QEMU given a synthetic OpRegion
(carrying a real VBT from the fixtures, laid out as Linux vfio presents it)
and a stolen-memory size over fw_cfg. The probe prints, at ReadyToBoot, what
a GOP would see; QMP pmemsave then reads the guest memory at ASLS and at the
VBT address GetVbtData returned, to compare them byte for byte. The first boot
goes on into the igdkit stick through its "firmware access" GRUB entry
(iomem=relaxed), whose `igdkit check --json --test-accept 8086:100e` must read
the same ASLS and BDSM from 00:02.0, the OpRegion and VBT bytes at ASLS through
/dev/mem, and a memory map that keeps both from the kernel. A second boot
without the fw_cfg files must leave 00:02.0 untouched and install nothing.
Prints one line per failed assertion; exit status 0 when all held.
"""
import hashlib
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import mkopregion  # noqa: E402

OVMF_CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd"
OVMF_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd"
VBT_FIXTURE = "vbt/adln-fsp.vbt"
STOLEN = 64 << 20
EFI_RESERVED, EFI_ACPI_NVS = 0, 10
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
    return cond


def connect_unix(path, tries=100):
    """A socket connected to QEMU's unix socket path, waiting up to tries x 0.1 s for QEMU to open it."""
    for _ in range(tries):
        s = socket.socket(socket.AF_UNIX)
        try:
            s.connect(path)
            return s
        except OSError:
            s.close()
            time.sleep(0.1)
    return socket.socket(socket.AF_UNIX)  # unconnected: the first read or write fails, and says so


class Qmp:
    def __init__(self, path):
        self.s = connect_unix(path)
        self.f = self.s.makefile("rw")
        json.loads(self.f.readline())
        self.cmd("qmp_capabilities")

    def cmd(self, name, **args):
        self.f.write(json.dumps({"execute": name, "arguments": args}) + "\n")
        self.f.flush()
        while True:
            r = json.loads(self.f.readline())
            if "return" in r or "error" in r:
                return r


class Serial:
    """ttyS0 on a unix socket, read by a thread into .text (QEMU must never block on it); presses
    GRUB's hotkey for the entry named by `entry` once that entry is on screen."""

    def __init__(self, path, entry, hotkey):
        self.text, self.entry, self.hotkey = "", entry, hotkey
        self.s = connect_unix(path)
        threading.Thread(target=self.run, daemon=True).start()

    def run(self):
        pressed = False
        while True:
            try:
                b = self.s.recv(4096)
            except OSError:
                return
            if not b:
                return
            self.text += b.decode("utf-8", "replace")
            if not pressed and self.entry in self.text:
                self.s.sendall(self.hotkey.encode())
                pressed = True


def boot(out, name, rom, fw_cfg, timeout=300, stick=None):
    """Runs OVMF until the probe has reported; returns (debug log text, Qmp, process, Serial or None).
    With a stick it boots on into it (serial on a socket), through its firmware-access entry."""
    vars_fd = os.path.join(out, name + ".vars.fd")
    shutil.copy(OVMF_VARS, vars_fd)
    log = os.path.join(out, name + ".debug.log")
    sock = os.path.join(out, name + ".qmp")
    for p in (log, sock):
        if os.path.exists(p):
            os.unlink(p)
    cmd = ["qemu-system-x86_64", "-machine", "pc", "-accel", os.environ.get("IGDKIT_ACCEL", "tcg"),
           "-m", "512", "-nodefaults", "-display", "none", "-vga", "none",
           "-drive", "if=pflash,format=raw,unit=0,readonly=on,file=" + OVMF_CODE,
           "-drive", "if=pflash,format=raw,unit=1,file=" + vars_fd,
           "-netdev", "user,id=n0", "-device", "e1000,addr=02.0,netdev=n0,romfile=" + rom,
           "-debugcon", "file:" + log, "-global", "isa-debugcon.iobase=0x402",
           "-qmp", "unix:%s,server=on,wait=off" % sock]
    for n, f in fw_cfg:
        cmd += ["-fw_cfg", "name=%s,file=%s" % (n, f)]
    ser_path = os.path.join(out, name + ".serial.sock")
    if stick:
        if os.path.exists(ser_path):
            os.unlink(ser_path)
        cmd = [c if c != "512" else "1024" for c in cmd]
        cmd += ["-chardev", "socket,id=ser,path=%s,server=on,wait=on" % ser_path, "-serial", "chardev:ser",
                "-device", "qemu-xhci,id=usb",
                "-drive", "if=none,id=stick,format=raw,snapshot=on,file=" + stick,
                "-device", "usb-storage,bus=usb.0,drive=stick,bootindex=0"]
    q = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=open(os.path.join(out, name + ".qemu.err"), "w"))
    ser = Serial(ser_path, "firmware access", "f") if stick else None
    end = time.time() + timeout
    text = ""
    while time.time() < end and q.poll() is None:
        time.sleep(2)
        text = open(log, errors="replace").read() if os.path.exists(log) else ""
        if re.search(r"^igdkit-probe: (policy|no PLATFORM_GOP_POLICY_PROTOCOL)", text, re.M):
            break
    else:
        check(False, "%s: the probe never reported within %d s (QEMU %s)" % (name, timeout,
              "exited" if q.poll() is not None else "still running"))
    return text, Qmp(sock) if q.poll() is None else None, q, ser


def kv(text, prefix):
    m = re.search(r"^" + re.escape(prefix) + r"(.*)$", text, re.M)
    if not m:
        return None
    return {k: v for k, v in re.findall(r"(\w+)=(\S+)", m.group(1))}


def guest_check(out, q, ser, op, vbt_size, asls, bdsm, timeout=600):
    """The stick's own check inside the guest the drivers set up: the same registers, the OpRegion
    and VBT read back through /dev/mem, both kept from the kernel by the memory map."""
    end = time.time() + float(os.environ.get("BOOT_TIMEOUT", str(timeout)))
    m = None
    while time.time() < end and m is None:
        m = re.search(r"=== igdkit autorun begin ===\r?\n(.*?)=== igdkit autorun end \(rc=(\d+)\) ===",
                      ser.text, re.S)
        if m is None:
            time.sleep(2)
    open(os.path.join(out, "efidrv.serial"), "w").write(ser.text)
    if not check(m, "the stick's check in the guest did not finish (see efidrv.serial)"):
        return
    body = m.group(1)
    try:
        doc = json.loads(body[body.index("{"):body.rindex("}") + 1])
    except ValueError as e:
        check(False, "the guest's check --json is not JSON: %s" % e)
        return
    igd = doc.get("igd", {})
    v = {x["id"]: x for x in doc.get("verdicts", [])}
    check(igd.get("test_accept") == "8086:100e", "guest check did not take the e1000 as the iGPU: %s" % igd.get("test_accept"))
    check(igd.get("asls") == hex(asls), "guest reads ASLS %s, the probe saw 0x%x" % (igd.get("asls"), asls))
    check(igd.get("bdsm") == hex(bdsm), "guest reads BDSM %s, the probe saw 0x%x" % (igd.get("bdsm"), bdsm))
    o = igd.get("opregion") or {}
    check(o.get("memory_type") == "ACPI Non-volatile Storage", "OpRegion memory type in the guest: %s" % o.get("memory_type"))
    check(o.get("read") is True, "guest could not read the OpRegion: %s (%s)" % (o.get("read_error"), o.get("read_hint")))
    check(o.get("status") == "ok" and o.get("version") == "2.1", "guest OpRegion: status %s version %s"
          % (o.get("status"), o.get("version")))
    check(o.get("sha256") == hashlib.sha256(op).hexdigest(), "OpRegion bytes at ASLS in the guest differ from etc/igd-opregion")
    rvda = struct.unpack_from("<Q", op, 0x3BA)[0]
    vb = o.get("vbt") or {}
    check(vb.get("source") == "rvda" and vb.get("size") == vbt_size, "guest VBT: %s" % vb)
    check(vb.get("sha256") == hashlib.sha256(op[rvda:rvda + vbt_size]).hexdigest(), "VBT bytes at ASLS+RVDA differ")
    st = igd.get("stolen") or {}
    lo, hi = int(st.get("range_start") or "0", 16), int(st.get("range_end") or "0", 16)
    check(st.get("memory_type") == "Reserved" and lo <= bdsm and hi >= bdsm + STOLEN - 1,
          "stolen memory 0x%x+%d MiB not inside a Reserved range in the guest: %s" % (bdsm, STOLEN >> 20, st))
    check(v.get("opregion", {}).get("status") == "ok", "guest opregion verdict: %s" % v.get("opregion"))
    try:
        q.wait(120)  # the autorun powers the guest off
    except subprocess.TimeoutExpired:
        check(False, "the guest did not power off after its autorun")


def stop(q, qmp):
    if q.poll() is not None:
        return
    if qmp:
        qmp.cmd("quit")
    try:
        q.wait(30)
    except subprocess.TimeoutExpired:
        q.kill()


def main():
    build, fixtures, out = sys.argv[1:4]
    os.makedirs(out, exist_ok=True)
    igdkit = os.path.join(build, "igdkit")
    rom = os.path.join(out, "efidrv.rom")
    r = subprocess.run([igdkit, "rom", "build", "--igd-helpers", "--test-accept", "8086:100e",
                        "--efi", os.path.join(build, "efi", "vbt-probe.efi"), "--device", "0x100e", "--compress",
                        "-o", rom],
                       capture_output=True, text=True)
    if not check(r.returncode == 0, "rom build failed: " + r.stderr.strip()):
        return
    r = subprocess.run([igdkit, "rom", "check", rom], capture_output=True, text=True)
    check(r.returncode == 1 and "TEST-ONLY ROM: image 0 accepts 8086:100e" in r.stdout,
          "rom check does not flag the --test-accept ROM (exit %d)" % r.returncode)

    vbt = open(os.path.join(fixtures, VBT_FIXTURE), "rb").read()
    vbt_size = struct.unpack_from("<H", vbt, 0x18)[0]
    op = mkopregion.build(vbt, (2, 1))
    op_path = os.path.join(out, "efidrv.opregion")
    open(op_path, "wb").write(op)
    bdsm_path = os.path.join(out, "efidrv.bdsm-size")
    open(bdsm_path, "wb").write(struct.pack("<Q", STOLEN))

    # 1: an IGD assignment
    args_path = os.path.join(out, "efidrv.autorun")
    open(args_path, "w").write("check --json --test-accept 8086:100e")
    text, qmp, q, ser = boot(out, "efidrv", rom, [("etc/igd-opregion", op_path), ("etc/igd-bdsm-size", bdsm_path),
                                                 ("opt/igdkit/autorun", args_path)],
                             stick=os.path.join(build, "igdkit.img"))
    dev = kv(text, "igdkit-probe: 00:02.0") or {}
    pol = kv(text, "igdkit-probe: policy") or {}
    asls = int(dev.get("asls", "0"), 16)
    bdsm = int(dev.get("bdsm64", "0"), 16)
    check(re.search(r"igdkit IGD assignment driver .*TEST-ACCEPT build", text), "helper did not take the test device")
    check(asls and asls % 4096 == 0 and asls + len(op) <= 1 << 32, "ASLS 0x%x: not a page below 4 GiB" % asls)
    check(int(dev.get("asls_memtype", "-1"), 16) == EFI_ACPI_NVS, "OpRegion copy not in ACPI NVS: %s" % dev)
    check(bdsm and bdsm % (1 << 20) == 0 and bdsm + STOLEN <= 1 << 32, "BDSM 0x%x: not 1 MiB aligned below 4 GiB" % bdsm)
    check(int(dev.get("bdsm64_memtype", "-1"), 16) == EFI_RESERVED, "stolen memory not reserved: %s" % dev)
    check(int(dev.get("bdsm32", "1"), 16) == 0, "BDSM at 0x5C written for a Gen12 device")
    check(re.search(r"BDSM @ 0x%x size=0x%x reg=0xc0" % (bdsm, STOLEN), text), "helper's BDSM line missing or different")
    check(pol.get("revision") == "0x1", "policy revision %s, not 1" % pol.get("revision"))
    check(pol.get("GetVbtData") == "0x0", "GetVbtData returned %s" % pol.get("GetVbtData"))
    check(int(pol.get("size", "0"), 16) == vbt_size, "GetVbtData size %s, the VBT says 0x%x" % (pol.get("size"), vbt_size))
    check(pol.get("sum") == "0x0", "handed-out VBT checksum does not sum to 0")
    if qmp:
        dump = os.path.join(out, "efidrv.asls.bin")
        qmp.cmd("pmemsave", val=asls, size=len(op), filename=dump)
        got = open(dump, "rb").read() if os.path.exists(dump) else b""
        check(got == op, "guest memory at ASLS differs from etc/igd-opregion")
        addr = int(pol.get("address", "0"), 16)
        if addr:
            dump = os.path.join(out, "efidrv.vbt.bin")
            qmp.cmd("pmemsave", val=addr, size=vbt_size, filename=dump)
            got = open(dump, "rb").read() if os.path.exists(dump) else b""
            check(len(got) == vbt_size and got[:0x1a] == vbt[:0x1a] and got[0x1b:] == vbt[0x1b:vbt_size],
                  "VBT handed out differs from the fixture (beyond the checksum byte)")
        qmp.cmd("pmemsave", val=bdsm, size=4096, filename=os.path.join(out, "efidrv.bdsm.bin"))
        check(open(os.path.join(out, "efidrv.bdsm.bin"), "rb").read() == bytes(4096), "stolen memory not zeroed")
    guest_check(out, q, ser, op, vbt_size, asls, bdsm)
    stop(q, qmp)

    # 2: no IGD assignment: both drivers unload, 00:02.0 keeps its reset values
    text, qmp, q, _ = boot(out, "efidrv-none", rom, [])
    dev = kv(text, "igdkit-probe: 00:02.0") or {}
    check(text.count("no etc/igd-opregion in fw_cfg: not an IGD assignment, unloading") == 2,
          "without fw_cfg files the two drivers did not both unload")
    check(dev.get("asls") == "0x0" and dev.get("bdsm32") == "0x0" and dev.get("bdsm64") == "0x0",
          "without fw_cfg files 00:02.0 changed: %s" % dev)
    check("igdkit-probe: no PLATFORM_GOP_POLICY_PROTOCOL" in text, "policy installed without an IGD assignment")
    stop(q, qmp)


if __name__ == "__main__":
    main()
    for f in failures:
        print(f)
    sys.exit(1 if failures else 0)
