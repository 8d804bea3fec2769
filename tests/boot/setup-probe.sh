# setup-probe.sh - runs inside the booted stick (opt/igdkit/setup) and prints
# facts the boot tests assert, one "probe: key=value" line each.
if [ -d /sys/firmware/efi ]; then echo "probe: efi=yes"; else echo "probe: efi=no"; fi
sb=/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c
[ -r $sb ] && echo "probe: secureboot=$(od -An -tx1 $sb | tr -s ' ' | sed 's/^ //;s/ $//')"
[ -r /sys/kernel/security/lockdown ] && echo "probe: lockdown=$(cat /sys/kernel/security/lockdown)"
[ -e /dev/cpu/0/msr ] && echo "probe: msr=loaded"
if [ -e /sys/firmware/acpi/tables/DMAR ]; then echo "probe: dmar_table=yes"; else echo "probe: dmar_table=no"; fi
echo "probe: iommu=$(ls /sys/class/iommu 2>/dev/null | tr '\n' ' ')"
echo "probe: iommu_groups=$(ls /sys/kernel/iommu_groups 2>/dev/null | wc -l)"
echo "probe: cmdline=$(cat /proc/cmdline)"
echo "probe: modules=$(cut -d" " -f1 /proc/modules | sort | tr "\n" " ")"
if [ -e /lib/igdkit/extra.present ]; then echo "probe: extra=present"; else echo "probe: extra=absent"; fi
if [ -e /run/igdkit/drivers.pending ]; then echo "probe: drivers=pending"; else echo "probe: drivers=done"; fi
# The menu's "from this machine" and "reboot into BIOS setup" engines, through their commands:
# the shadowed legacy VBIOS of 00:02.0 (rom vbios), and OsIndications (check --boot-to-setup).
if igdkit rom vbios -o /run/vbios.rom > /run/vbios.out 2>&1; then
	echo "probe: vbios=$(cat /run/vbios.out)"
else
	echo "probe: vbios=rc$? $(tail -1 /run/vbios.out)"
fi
igdkit check --boot-to-setup > /dev/null 2> /run/setup.err
echo "probe: boot_to_setup=rc$? $(tail -1 /run/setup.err)"
osi=/sys/firmware/efi/efivars/OsIndications-8be4df61-93ca-11d2-aa0d-00e098032b8c
if [ -r $osi ]; then echo "probe: osindications=$(od -An -tx1 $osi | tr -s ' ' | sed 's/^ //;s/ $//')"; fi
# The menu's "Flash": the BIOS region through libflashrom, loaded from the initrd's second part
# (refused under Secure Boot before it is loaded).
igdkit rom flash -o /run/flash.bin > /run/flash.out 2>&1
echo "probe: flash=rc$? $(tail -1 /run/flash.out)"
