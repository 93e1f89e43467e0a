#!/usr/bin/env bash
# ci/fresh-machine.sh COMMAND... — times one of the README's two commands on
# a fresh Debian 12 machine: a Debian bookworm root made by debootstrap (the
# machine's own apt sources), a clone of this checkout's HEAD in it, and
# COMMAND run there under chroot as root, the way a new user runs it. Nothing
# of this machine's packages, build directories or ccache is seen inside.
#
#   bash ci/fresh-machine.sh bash ci/example.sh
#   bash ci/fresh-machine.sh bash ci/test.sh
#
# Prints, on standard output, one line: the command, its exit status, the
# wall-clock seconds, the user and system CPU seconds of everything it ran
# (apt, the compilers, the tests), the cores and the load average before and
# after (a shared machine makes wall time longer; the CPU seconds say by how
# much). The pristine root is kept in ci/.fresh/base (made once, about 2
# minutes, needs debootstrap: installed when missing) and copied for each
# run into ci/.fresh/run, which is removed afterwards. Needs root (chroot,
# mounts). Its numbers are the ones in the README's "Two commands".
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
[ $# -gt 0 ] || { echo "usage: ci/fresh-machine.sh COMMAND..." >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "ci/fresh-machine.sh: needs root (debootstrap, chroot, mounts)" >&2; exit 2; }
fresh="$root/ci/.fresh"
base="$fresh/base"
run="$fresh/run"
log() { echo "ci/fresh-machine.sh: $*" >&2; }

mirror() { # the machine's Debian mirror, from its deb822 or one-line source
  local m
  m=$(grep -h '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null |
      awk '{print $2}' | grep -v security | head -1 || true)
  echo "${m:-http://deb.debian.org/debian}"
}

make_base() {
  command -v debootstrap >/dev/null 2>&1 || {
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >&2
  }
  log "debootstrap bookworm into $base (once)"
  rm -rf "$base.tmp"
  debootstrap bookworm "$base.tmp" "$(mirror)" >&2
  # The machine's sources (updates, security), as a real machine has them.
  if ls /etc/apt/sources.list.d/debian.sources >/dev/null 2>&1; then
    rm -f "$base.tmp/etc/apt/sources.list"
    cp /etc/apt/sources.list.d/debian.sources "$base.tmp/etc/apt/sources.list.d/"
  fi
  mv "$base.tmp" "$base"
}

mounted=()
cleanup() {
  local i
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -l "${mounted[$i]}" 2>/dev/null || true; done
  rm -rf "$run"
}
mount_into() { # type-or-bind source target
  mkdir -p "$3"
  if [ "$1" = bind ]; then mount --bind "$2" "$3"; else mount -t "$1" "$2" "$3"; fi
  mounted+=("$3")
}

[ -d "$base" ] || make_base
trap cleanup EXIT
rm -rf "$run"
cp -a "$base" "$run"
cp /etc/resolv.conf "$run/etc/resolv.conf"
# The machine's own trust, which a fresh machine of its kind has before any
# script of ours runs: local CAs (a TLS-inspecting egress proxy's, here;
# without it npm fails with SELF_SIGNED_CERT_IN_CHAIN) and the bundle the
# environment names. ca-certificates, once installed inside, rebuilds the
# bundle from Debian's CAs and these.
if [ -d /usr/local/share/ca-certificates ]; then
  mkdir -p "$run/usr/local/share/ca-certificates"
  cp -a /usr/local/share/ca-certificates/. "$run/usr/local/share/ca-certificates/"
fi
if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
  mkdir -p "$run/etc/ssl/certs"
  cp /etc/ssl/certs/ca-certificates.crt "$run/etc/ssl/certs/ca-certificates.crt"
fi
mount_into proc proc "$run/proc"
mount_into sysfs sysfs "$run/sys"
mount_into bind /dev "$run/dev"
mount_into devpts devpts "$run/dev/pts"
mount_into tmpfs tmpfs "$run/dev/shm"
git clone -q --no-hardlinks "$root" "$run/root/factoryguard"

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
start=$(date +%s)
set +e
# chroot's own PATH and an empty environment: nothing of this shell leaks in
# but CI (set, the tests that install into the system run: it is a throwaway)
# and the machine's CA settings.
pass=()
for v in CI NODE_EXTRA_CA_CERTS SSL_CERT_FILE SSL_CERT_DIR; do
  [ -z "${!v:-}" ] || pass+=("$v=${!v}")
done
/usr/bin/time -f '%U %S' -o "$fresh/time" \
  chroot "$run" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 "${pass[@]}" \
  PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  bash -c 'cd /root/factoryguard && "$@"' bash "$@" >&2
status=$?
set -e
wall=$(($(date +%s) - start))
read -r user sys < <(tail -1 "$fresh/time") # after "Command exited with ..."
printf "fresh Debian 12: '%s' exit %d, %d s wall, %s s user + %s s system CPU, %d cores, load %s before, %s after\n" \
  "$*" "$status" "$wall" "$user" "$sys" "$(nproc)" "$load_before" "$(cut -d' ' -f1-3 /proc/loadavg)"
exit "$status"
