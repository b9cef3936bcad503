#!/usr/bin/env bash
# Debian packages the tests drive for real: chromium (browser tests), poppler-utils (pdftotext), hledger,
# fonts for PDFs with Vietnamese text, Pango for WeasyPrint. Installs only what is missing.
set -euo pipefail
need=()
command -v chromium >/dev/null || need+=(chromium)
command -v pdftotext >/dev/null || need+=(poppler-utils)
command -v hledger >/dev/null || need+=(hledger)  # the export tests read our hledger journals with it
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
ldconfig -p 2>/dev/null | grep -q libpango-1.0 || need+=(libpango-1.0-0 libpangoft2-1.0-0)
[ ${#need[@]} -eq 0 ] && exit 0
echo "Installing Debian packages: ${need[*]}"
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"

# Another apt-get (unattended upgrades, another checkout's `make test`) may hold a lock: wait for it,
# up to APT_LOCK_WAIT seconds. DPkg::Lock::Timeout covers dpkg's frontend lock only; the lists lock of
# `apt-get update` and the archives lock fail at once, so those failures are retried here.
APT_LOCK_WAIT=${APT_LOCK_WAIT:-600}
apt_get() {
  local deadline=$((SECONDS + APT_LOCK_WAIT)) err
  until err=$($SUDO env DEBIAN_FRONTEND=noninteractive \
      apt-get -o DPkg::Lock::Timeout="$APT_LOCK_WAIT" "$@" 2>&1 >/dev/null); do
    if ! grep -qE "Could not get lock|Unable to lock|Unable to acquire the dpkg frontend lock" <<<"$err" \
        || [ "$SECONDS" -ge "$deadline" ]; then
      echo "$err" >&2
      return 1
    fi
    echo "apt-get is busy elsewhere; waiting for its lock..." >&2
    sleep 5
  done
}
apt_get update -qq
apt_get install -y -qq "${need[@]}"
