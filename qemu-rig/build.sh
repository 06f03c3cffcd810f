#!/usr/bin/env bash
# Builds what the ramshift QEMU test guest needs: a Debian kernel (vmlinuz) and an initramfs with busybox and
# the static guest program rsguest. Idempotent: a second run does nothing (no network) unless guest/rsguest.c,
# guest/init or busybox changed.
#
# Usage: qemu-rig/build.sh [OUTDIR]
#   OUTDIR defaults to ${RAMSHIFT_QEMU_RIG:-$HOME/.cache/ramshift/qemu-rig}
#   RAMSHIFT_QEMU_RIG_KERNEL_PKG=linux-image-...  uses that kernel package instead of linux-image-amd64's dependency
#
# Log goes to stderr; stdout ends with exactly these two lines:
#   vmlinuz=<path>
#   initramfs=<path>
# Installs qemu-system-x86, busybox-static, cpio (and gcc, libc6-dev) with apt when missing (needs root).
# Every network step and the lock wait are bounded by timeouts.
set -euo pipefail

RIG_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
GUEST_SRC="$RIG_DIR/guest/rsguest.c"
GUEST_INIT="$RIG_DIR/guest/init"
OUTDIR="${1:-${RAMSHIFT_QEMU_RIG:-$HOME/.cache/ramshift/qemu-rig}}"
BUSYBOX=/bin/busybox

APT_OPTS=(-o Acquire::http::Timeout=30 -o Acquire::https::Timeout=30 -o Acquire::Retries=2
          -o DPkg::Lock::Timeout=120)

log() { echo "build.sh: $*" >&2; }
die() { echo "build.sh: error: $*" >&2; exit 1; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"
    elif command -v sudo >/dev/null 2>&1; then timeout 900 sudo -n "$@"
    else die "need root to run: $*"
    fi
}

apt_updated=0
apt_update() {
    if [ "$apt_updated" -eq 0 ]; then
        log "apt-get update"
        as_root timeout 600 apt-get "${APT_OPTS[@]}" update -q >&2 || die "apt-get update failed"
        apt_updated=1
    fi
}

apt_install() {
    log "installing: $*"
    if ! as_root env DEBIAN_FRONTEND=noninteractive timeout 1200 \
            apt-get "${APT_OPTS[@]}" install -y -q --no-install-recommends "$@" >&2; then
        apt_update
        as_root env DEBIAN_FRONTEND=noninteractive timeout 1200 \
            apt-get "${APT_OPTS[@]}" install -y -q --no-install-recommends "$@" >&2 \
            || die "apt-get install $* failed"
    fi
}

installed() { dpkg -s "$1" 2>/dev/null | grep -q '^Status: install ok installed'; }

# ---- packages ---------------------------------------------------------------------------------------------
missing=()
command -v qemu-system-x86_64 >/dev/null 2>&1 || missing+=(qemu-system-x86)
installed busybox-static || missing+=(busybox-static)
command -v cpio >/dev/null 2>&1 || missing+=(cpio)
if ! command -v gcc >/dev/null 2>&1 || [ ! -e /usr/lib/x86_64-linux-gnu/libc.a ]; then
    missing+=(gcc libc6-dev)
fi
if [ "${#missing[@]}" -gt 0 ]; then
    apt_install "${missing[@]}"
fi
[ -x "$BUSYBOX" ] || die "$BUSYBOX missing after installing busybox-static"

mkdir -p "$OUTDIR"
OUTDIR="$(cd "$OUTDIR" && pwd)"

# One build at a time per OUTDIR (parallel test runs share it).
exec 9>"$OUTDIR/.lock"
flock -w 1800 9 || die "timed out waiting for the lock on $OUTDIR/.lock"

# ---- kernel -----------------------------------------------------------------------------------------------
VMLINUZ="$OUTDIR/vmlinuz"
if [ ! -s "$VMLINUZ" ]; then
    pkg="${RAMSHIFT_QEMU_RIG_KERNEL_PKG:-}"
    if [ -z "$pkg" ]; then
        find_pkg() {
            timeout 120 apt-cache depends linux-image-amd64 2>/dev/null \
                | sed -n 's/^ *Depends: *\(linux-image-[0-9][^ ]*-amd64\) *$/\1/p' | head -n 1
        }
        pkg="$(find_pkg || true)"
        if [ -z "$pkg" ]; then
            apt_update
            pkg="$(find_pkg || true)"
        fi
        [ -n "$pkg" ] || die "cannot find the kernel package (apt-cache depends linux-image-amd64 gives no linux-image-*-amd64)"
    fi
    log "kernel package: $pkg"
    KDIR="$OUTDIR/kernel"
    rm -rf "$KDIR"
    mkdir -p "$KDIR"
    # apt-get download runs as the _apt user when it can; as root the directory must be writable by it or apt
    # warns and downloads unsandboxed, which is fine.
    if ! (cd "$KDIR" && timeout 900 apt-get "${APT_OPTS[@]}" download -q "$pkg" >&2); then
        apt_update
        (cd "$KDIR" && timeout 900 apt-get "${APT_OPTS[@]}" download -q "$pkg" >&2) || die "apt-get download $pkg failed"
    fi
    deb="$(ls "$KDIR"/*.deb 2>/dev/null | head -n 1 || true)"
    [ -n "$deb" ] || die "apt-get download $pkg left no .deb in $KDIR"
    dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$KDIR" --wildcards './boot/vmlinuz-*'
    kfile="$(ls "$KDIR"/boot/vmlinuz-* 2>/dev/null | head -n 1 || true)"
    [ -n "$kfile" ] || die "no boot/vmlinuz-* in $deb"
    cp "$kfile" "$VMLINUZ.tmp"
    mv -f "$VMLINUZ.tmp" "$VMLINUZ"
    echo "$pkg $(basename "$kfile")" > "$OUTDIR/vmlinuz.pkg"
    rm -rf "$KDIR"   # the .deb is ~60 MB; only vmlinuz is kept
    log "kernel: $VMLINUZ ($(basename "$kfile"))"
fi

# ---- initramfs ----------------------------------------------------------------------------------------------
INITRAMFS="$OUTDIR/initramfs.cpio.gz"
KEYFILE="$OUTDIR/initramfs.key"
key="$(cat "$GUEST_SRC" "$GUEST_INIT" "$BUSYBOX" "${BASH_SOURCE[0]}" | sha256sum | cut -d' ' -f1)"
if [ ! -s "$INITRAMFS" ] || [ ! -f "$KEYFILE" ] || [ "$(cat "$KEYFILE")" != "$key" ]; then
    log "building $INITRAMFS"
    gcc -static -O2 -Wall -o "$OUTDIR/rsguest.tmp" "$GUEST_SRC"
    mv -f "$OUTDIR/rsguest.tmp" "$OUTDIR/rsguest"

    stage="$OUTDIR/initramfs.d"
    rm -rf "$stage"
    mkdir -p "$stage"/{bin,dev,proc,sys}
    cp "$BUSYBOX" "$stage/bin/busybox"
    ln -s busybox "$stage/bin/sh"
    ln -s busybox "$stage/bin/mount"
    cp "$GUEST_INIT" "$stage/init"
    cp "$OUTDIR/rsguest" "$stage/rsguest"
    chmod 0755 "$stage/init" "$stage/rsguest" "$stage/bin/busybox"
    # The kernel opens /dev/console for PID 1 before /init runs; without the node (no root for mknod) /init
    # still reopens the console after mounting devtmpfs.
    mknod -m 0600 "$stage/dev/console" c 5 1 2>/dev/null || log "mknod /dev/console failed (not root?); /init reopens it"

    (cd "$stage" && find . -print0 | LC_ALL=C sort -z \
        | cpio --null -o -H newc -R 0:0 --quiet | gzip -9 -n) > "$INITRAMFS.tmp"
    mv -f "$INITRAMFS.tmp" "$INITRAMFS"
    echo "$key" > "$KEYFILE"
    rm -rf "$stage"
    log "initramfs: $INITRAMFS ($(stat -c %s "$INITRAMFS") bytes)"
fi

echo "vmlinuz=$VMLINUZ"
echo "initramfs=$INITRAMFS"
