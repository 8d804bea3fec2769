"""qemu_serial.py - the start the interactive boot tests share: QEMU boots the stick from USB with
ttyS0 on a unix socket, and the test talks to that socket like a person at a serial console."""
import os
import socket
import subprocess
import time


def boot(accel, cpu, machine, stick, sock_path, timeout, firmware=(), devices=()):
    """Starts QEMU (firmware: its -drive/-fw_cfg arguments, devices: more after the stick) and
    connects to its serial socket. QEMU waits for that connection before it runs.
    Returns (process, socket or None, deadline); BOOT_TIMEOUT (seconds) overrides timeout."""
    if os.path.exists(sock_path):
        os.unlink(sock_path)
    q = subprocess.Popen([
        "qemu-system-x86_64", "-accel", accel, "-cpu", cpu, "-m", "1024", "-smp", "2",
        "-machine", machine, "-display", "none", "-monitor", "none", "-no-reboot",
        *firmware,
        "-chardev", f"socket,id=ser,path={sock_path},server=on,wait=on",
        "-serial", "chardev:ser",
        "-device", "qemu-xhci,id=usb",
        "-drive", f"if=none,id=stick,format=raw,file={stick}",
        "-device", "usb-storage,bus=usb.0,drive=stick,bootindex=0",
        *devices],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + float(os.environ.get("BOOT_TIMEOUT", str(timeout)))
    s = None
    while time.time() < deadline and s is None:
        try:
            s = socket.socket(socket.AF_UNIX)
            s.connect(sock_path)
        except OSError:
            s = None
            time.sleep(0.2)
    return q, s, deadline
