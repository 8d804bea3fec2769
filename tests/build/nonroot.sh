#!/bin/sh
# nonroot.sh BUILD - prove that `make` builds the stick without root.
# Run as root (CI is): copies the committed tree to a scratch folder owned by
# an unprivileged user and builds the image there as that user. The package
# cache is shared read-only through hard links, so nothing is downloaded twice.
set -u
B=$1
if [ "$(id -u)" != 0 ]; then
	echo "nonroot: this build already runs as uid $(id -u)"
	echo "nonroot: 1 passed, 0 failed"
	exit 0
fi
user=nobody
scratch=$(mktemp -d /tmp/igdkit-nonroot.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
git ls-files -z | xargs -0 tar cf - | tar xf - -C "$scratch"
mkdir -p "$scratch/build"
[ -d "$B/debs" ] && cp -al "$B/debs" "$scratch/build/debs"
touch "$scratch/build/.deps-build"	# root has installed the build tools already
chown -R "$user" "$scratch"
if runuser -u "$user" -- sh -c "cd '$scratch' && HOME='$scratch' make --no-print-directory all" > "$B/nonroot.log" 2>&1 &&
   [ -s "$scratch/build/igdkit.img" ] && [ "$(stat -c %U "$scratch/build/igdkit.img")" = "$user" ]; then
	echo "nonroot: ok, built $(stat -c %s "$scratch/build/igdkit.img")-byte image as $user"
	echo "nonroot: 1 passed, 0 failed"
else
	tail -20 "$B/nonroot.log"
	echo "nonroot: 0 passed, 1 failed"
	exit 1
fi
