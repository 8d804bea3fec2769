# setup-efivar.sh - runs inside the booted stick (appended to a boot's setup
# hook): a real board's BIOS Setup variable made a real UEFI variable of OVMF
# through efivarfs, and `igdkit check --firmware` reading it back live.
# The test disk (FAT, label IGDVARS; efivar_test.py make) carries the board's
# firmware module, vars.env (VAR=Name-GUID, FW=file name, STATES), one
# efivarfs image per state (4 bytes of attributes, then the data), and
# testtools.tar (chattr: efivarfs makes a variable that is not a well-known
# one immutable). The JSON documents and guest.log go back onto the disk.
efivar_test() {
	v=/run/igdvars
	ev() { echo "efivar-test: $*" | tee -a $v/guest.log; }
	dev=
	i=0
	# the second USB disk may still be settling after the stick was found
	while [ -z "$dev" ] && [ $i -lt 200 ]; do
		dev=$(findfs LABEL=IGDVARS 2>/dev/null) || { sleep 0.1; i=$((i + 1)); }
	done
	if [ -z "$dev" ]; then echo "efivar-test: no disk labelled IGDVARS"; return 1; fi
	mkdir -p $v
	mount -t vfat -o rw "$dev" $v || { echo "efivar-test: cannot mount $dev"; return 1; }
	: > $v/guest.log
	# shellcheck disable=SC1091
	. $v/vars.env
	mkdir -p /run/testtools
	tar -xf $v/testtools.tar -C /run/testtools || ev "testtools.tar did not unpack"
	efi=/sys/firmware/efi/efivars
	grep -q " $efi efivarfs " /proc/mounts || mount -t efivarfs efivarfs $efi
	ev "efivarfs=$(grep -c " $efi efivarfs " /proc/mounts)"
	ev "dmi_bios_version=$(cat /sys/class/dmi/id/bios_version)"
	f=$efi/$VAR
	if [ -e "$f" ]; then ev "before=present"; else ev "before=absent"; fi
	for s in $STATES; do
		# efivarfs marks a variable that is not a well-known one immutable as it
		# creates it (only the creating open may still write): unlock to rewrite
		[ -e "$f" ] && LD_LIBRARY_PATH=/run/testtools/lib /run/testtools/bin/chattr -i "$f"
		# one write(): efivarfs turns each write into one SetVariable call
		if dd if="$v/$s.var" of="$f" bs=1M conv=notrunc 2>/dev/null; then
			ev "$s: written size=$(wc -c < "$f") attr=$(od -An -tx1 -N4 "$f" | tr -s ' ' | sed 's/^ //;s/ $//')"
		else
			ev "$s: write failed"
		fi
		igdkit check --firmware "$v/$FW" --json > "$v/$s.json" 2> "$v/$s.err"
		ev "$s: check rc=$?"
	done
	[ -e "$f" ] && LD_LIBRARY_PATH=/run/testtools/lib /run/testtools/bin/chattr -i "$f"
	rm "$f"
	if [ -e "$f" ]; then ev "deleted=no"; else ev "deleted=yes"; fi
	igdkit check --firmware "$v/$FW" --json > $v/gone.json 2> $v/gone.err
	ev "gone: check rc=$?"
	umount $v
}
efivar_test
