#!/usr/bin/env bash
# Boots the ramshift QEMU test guest (manual helper; documents the command line).
#
# Usage: qemu-rig/run-guest.sh RAMFILE QMPSOCK CONSOLELOG [extra qemu args...]
#   RAMFILE     guest RAM file (memory-backend-file, share=on; created by QEMU if missing; file offset = GPA)
#   QMPSOCK     QMP unix socket path (server, no wait)
#   CONSOLELOG  file receiving the serial console (the guest's RSGUEST lines, '\r\n'-terminated)
# Environment: RAMSHIFT_QEMU_RIG (where build.sh put vmlinuz and initramfs; default ~/.cache/ramshift/qemu-rig),
#   RSGUEST_MEM (default 1G), RSGUEST_MIB (default 64), RSGUEST_RATE (default 2000).
# Runs QEMU in the foreground (exec: this script's PID is QEMU's PID). Stop it with QMP "quit" or kill PID.
# Destination side of a migration: add  -incoming defer  as an extra argument.
set -euo pipefail

if [ "$#" -lt 3 ]; then
    echo "usage: $0 RAMFILE QMPSOCK CONSOLELOG [extra qemu args...]" >&2
    exit 2
fi
RAMFILE="$1" QMPSOCK="$2" CONSOLELOG="$3"
shift 3

RIG_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUTDIR="${RAMSHIFT_QEMU_RIG:-$HOME/.cache/ramshift/qemu-rig}"
if [ ! -s "$OUTDIR/vmlinuz" ] || [ ! -s "$OUTDIR/initramfs.cpio.gz" ]; then
    "$RIG_DIR/build.sh" "$OUTDIR" >/dev/null
fi
MEM="${RSGUEST_MEM:-1G}"

exec qemu-system-x86_64 \
    -machine pc,accel=tcg,memory-backend=mem \
    -cpu qemu64 \
    -m "$MEM" \
    -object "memory-backend-file,id=mem,size=$MEM,mem-path=$RAMFILE,share=on" \
    -kernel "$OUTDIR/vmlinuz" \
    -initrd "$OUTDIR/initramfs.cpio.gz" \
    -append "nokaslr console=ttyS0 panic=-1 quiet mitigations=off rsguest.mib=${RSGUEST_MIB:-64} rsguest.rate=${RSGUEST_RATE:-2000}" \
    -display none \
    -serial "file:$CONSOLELOG" \
    -qmp "unix:$QMPSOCK,server=on,wait=off" \
    -no-reboot \
    -nodefaults \
    "$@"
