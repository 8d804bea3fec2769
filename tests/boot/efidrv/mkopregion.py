#!/usr/bin/env python3
"""mkopregion.py VBT OUT [--version 2.1|2.0|1.0] - a synthetic IGD OpRegion for the QEMU test.

What Linux vfio hands QEMU for etc/igd-opregion: the 8 KiB OpRegion and, for
2.1, the VBT appended behind it with RVDA = 0x2000 (relative) and RVDS = its
size; for older versions the VBT in mailbox 4 (it must fit in 6 KiB there).
"""
import struct
import sys


def build(vbt, version):
    op = bytearray(0x2000)
    op[0:16] = b"IntelGraphicsMem"
    struct.pack_into("<I", op, 0x10, 8)  # size in KiB
    major, minor = version
    op[0x16] = minor
    op[0x17] = major
    op[0x18:0x18 + 16] = b"igdkit test     "
    struct.pack_into("<I", op, 0x58, 0x1 | 0x4)  # mailboxes 1 and 3 (ASLE)
    if version >= (2, 1):
        struct.pack_into("<Q", op, 0x3BA, 0x2000)
        struct.pack_into("<I", op, 0x3C2, len(vbt))
        return bytes(op) + vbt
    if len(vbt) > 0x1800:
        sys.exit("mkopregion: VBT of %d bytes does not fit mailbox 4; use --version 2.1" % len(vbt))
    op[0x400:0x400 + len(vbt)] = vbt
    return bytes(op)


def main():
    args = sys.argv[1:]
    version = (2, 1)
    if "--version" in args:
        i = args.index("--version")
        version = tuple(int(x) for x in args[i + 1].split("."))
        del args[i:i + 2]
    if len(args) != 2:
        sys.exit(__doc__)
    vbt = open(args[0], "rb").read()
    open(args[1], "wb").write(build(vbt, version))


if __name__ == "__main__":
    main()
