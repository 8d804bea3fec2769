#!/usr/bin/env python3
"""interactive.py IMG OUT ACCEL CPU - boot the stick without autorun (SeaBIOS)
and talk to it over the serial port like a user at a serial console: the
greeting must appear, then the menu; its Quit entry must give a shell that runs
commands, and igdkit must be there. tty1 must show the menu too."""
import os, shutil, socket, subprocess, sys, time

import qemu_serial

img, out, accel, cpu = sys.argv[1:5]
copy = os.path.join(out, "interactive.img")
shutil.copyfile(img, copy)
log = open(os.path.join(out, "interactive-bios.serial"), "wb")
q, s, deadline = qemu_serial.boot(accel, cpu, "pc", copy, os.path.join(out, "interactive.sock"), 300)
s.settimeout(1.0)
buf = b""

def wait_for(needle):
    global buf
    while time.time() < deadline:
        if needle in buf:
            return True
        try:
            data = s.recv(4096)
        except socket.timeout:
            continue
        if not data:
            return needle in buf
        log.write(data)
        log.flush()
        buf += data
    return False

def fail(msg):
    print("interactive:", msg)
    print("interactive: last output:", buf[-600:].decode(errors="replace"))
    q.kill()
    sys.exit(1)

def expect(needle, what_failed):
    if not wait_for(needle):
        fail(what_failed)

def shell(line):
    """Types line at the shell; what came before it no longer counts."""
    global buf
    buf = b""
    s.sendall(line + b"\r")

expect(b"igdkit check       prove the BIOS", "no greeting on ttyS0")
expect(b"IGDKIT partition /dev/sd", "greeting does not say where the IGDKIT partition is")
# the menu starts with the check; Esc leads to the home screen, whose last entry is Quit
expect(b"Enter on a line shows the evidence", "no menu on ttyS0")
time.sleep(1)
s.sendall(b"\x1b")
time.sleep(1.5)
expect(b"is the next one", "Esc on the check screen did not lead to the home screen")
for _ in range(12):
    s.sendall(b"\x1b[B")
    time.sleep(0.3)
s.sendall(b"\r")
expect(b"igdkit# ", "no shell prompt")
shell(b"echo sum=$((40+2)); igdkit --version; ls /mnt/stick/EFI")
expect(b"sum=42", "shell does not run commands")
expect(b"igdkit " + open("VERSION", "rb").read().strip(), "igdkit --version did not answer")
expect(b"BOOT", "the stick is not mounted at /mnt/stick")
# tty1 (the VGA console) runs its own menu: read its screen through /dev/vcs1.
shell(b"grep -q 'Intel iGPU passthrough for Proxmox VE' /dev/vcs1 && echo tty1-menu-$((6*7))")
expect(b"tty1-menu-42", "no menu on tty1")
s.sendall(b"poweroff -f\r")
try:
    q.wait(timeout=60)
except subprocess.TimeoutExpired:
    q.kill()
    fail("poweroff -f did not stop the machine")
print("interactive: greeting and menu on ttyS0, menu on tty1, Quit to the shell, igdkit and the mounted stick all seen")
