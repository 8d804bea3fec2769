#!/usr/bin/env python3
"""drive.py MODE IMG PVE_DISK SETUP OUT ACCEL CPU - boot the stick without autorun (OVMF, q35)
with the PVE disk attached and drive `igdkit menu` on ttyS0 like a person at a serial console,
with python3-pexpect over QEMU's serial socket.

MODE write: check -> firmware (the file on the IGDKIT partition) -> ROM (save) -> install
  (the install, VM 100) -> plan -> "Write these changes?" Yes -> result -> report; then the
  menu's Shell reads the target back onto the stick (after.tar) and powers off.
MODE esc: the same to the VM list, then "New VM" -> plan -> Esc at "Write these changes?",
  back out to the home screen, Shell, power off. The host compares the disk byte for byte.

Screens are matched on the text libdialog draws, with escape sequences and blanks removed
(curses moves the cursor instead of writing blanks)."""
import os
import re
import subprocess
import sys
import time

import pexpect
import pexpect.fdpexpect

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import qemu_serial  # noqa: E402  (tests/boot)

mode, img, disk, setup, out, accel, cpu = sys.argv[1:8]
ovmf = os.environ.get("OVMF_DIR", "/usr/share/OVMF")
vars_copy = os.path.join(out, f"menu-{mode}.vars")
subprocess.run(["cp", os.path.join(ovmf, "OVMF_VARS_4M.fd"), vars_copy], check=True)
start = time.time()
q, s, deadline = qemu_serial.boot(
    accel, cpu, "q35", img, os.path.join(out, f"menu-{mode}.sock"), 600,
    firmware=["-drive", f"if=pflash,format=raw,readonly=on,file={ovmf}/OVMF_CODE_4M.fd",
              "-drive", f"if=pflash,format=raw,file={vars_copy}",
              "-fw_cfg", f"name=opt/igdkit/setup,file={setup}"],
    devices=["-drive", f"if=none,id=pve,file={disk},format=raw",
             "-device", "virtio-blk-pci,drive=pve,serial=igdkit-pve-target"])
if s is None:
    print("menu: no serial socket")
    q.kill()
    sys.exit(1)
child = pexpect.fdpexpect.fdspawn(s.fileno(), encoding="latin-1", timeout=5)
child.logfile_read = open(os.path.join(out, f"menu-{mode}.serial"), "w")

UP, DOWN, RIGHT, LEFT, ESC = "\x1b[A", "\x1b[B", "\x1b[C", "\x1b[D", "\x1b"
CSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>78]|[\x00-\x1f]")
fresh = ""


def flat(text):
    return re.sub(r"\s+", "", CSI.sub(" ", text))


def fail(msg):
    print(f"menu-{mode}: {msg}")
    print(f"menu-{mode}: last screen text: {flat(fresh)[-700:]}")
    q.kill()
    sys.exit(1)


def see(needle, seconds=300):
    """Waits until needle (blanks ignored) was drawn since the last match."""
    global fresh
    want = re.sub(r"\s+", "", needle)
    end = min(deadline, time.time() + seconds)
    while time.time() < end:
        if want in flat(fresh):
            i = fresh.rfind(needle.split()[-1])
            fresh = fresh[i + 1:] if i >= 0 else ""
            return
        try:
            fresh += child.read_nonblocking(8192, timeout=1)
        except pexpect.TIMEOUT:
            pass
        except pexpect.EOF:
            break
    fail(f"'{needle}' never appeared")


def keys(*seq, pause=0.4):
    for k in seq:
        child.send(k)
        time.sleep(pause if k != ESC else 1.0)  # a lone Esc must not merge with the next key


see("igdkit-init: IGDKIT partition /dev/sd", 600)
see("=== igdkit setup end (rc=0) ===", 300)
# 1 Check: the verdicts first; the machine is not ready (no VT-d on plain q35), so the
#   first "fix" line is preselected; the top line goes on.
see("Check: the BIOS needs changes")
see("continue anyway")
keys(*[UP] * 30, "\r")
# 2 Firmware: the OVMF build on the IGDKIT partition, found by content; before it is used, what
#   it holds for this iGPU (the CML GOP serves 8086:9bc8)
see("IGDKIT:CML.FD")
keys("\r")
see("Firmware: what the file holds")
see('"IntelGopDriver", build 1107, serves the device: yes')
see("In the file:")                  # the machine's DMI strings looked for in the file
keys("\r")
# 3 ROM: rom make for 8086:9bc8 and its check; Save writes igd.rom to the stick
see("ROM: ok")
see("Checking the new ROM")
keys("\r")
# 4 Install: the PVE install on the second disk, then the VM
see("PVE 8.2.4")
keys("\r")
see("which VM gets the iGPU")
if mode == "write":
    keys("\r")                       # VM 100, the first in the list
else:
    keys(RIGHT, "\r")                # the "New VM" button
    see("VMID of the new VM")
    keys("\r")                       # the free VMID it offers
see("the plan and the diff")
keys("\r")                           # Next
see("Write these changes?")
if mode == "write":
    keys(LEFT, "\r")                 # default is No: move to Yes
    see("Written to", 600)
    written_at = time.time() - start
    see("igdkit install --undo")
    keys("\r")
    see("one text file for a forum post")   # home, Report preselected
    keys("\r")
    see("Saved on the stick as igdkit-report-", 300)
    keys("\r")
else:
    keys(ESC)                        # Esc at the final question: nothing written
    see("the plan and the diff")     # back on the plan
    keys(ESC)
    see("which VM gets the iGPU")
    keys(ESC)
    see("which Proxmox VE install")
    keys(ESC)
    see("The highlighted step is the next one")
# home screen: Shell is the seventh entry
keys(*[UP] * 12, *[DOWN] * 6, "\r")
see("Type 'exit' to go back to the menu")
time.sleep(1)
if mode == "write":
    keys("sed '1s/.*/MODE=after/' /run/igdkit/setup.sh > /run/after.sh && sh /run/after.sh; echo readback-$((6*7))\r")
    see("readback-42", 300)
keys("sync; echo menu-done-$((6*7)); poweroff -f\r")
see("menu-done-42", 60)
try:
    q.wait(timeout=120)
except subprocess.TimeoutExpired:
    q.kill()
    fail("poweroff -f did not stop the machine")
print(f"menu-{mode}: driven through in {time.time() - start:.0f} s")
with open(os.path.join(out, "times"), "a") as t:
    t.write(f"menu-{mode} {int((time.time() - start) * 1000)}ms\n")
    if mode == "write":
        t.write(f"menu-written {int(written_at * 1000)}ms\n")
