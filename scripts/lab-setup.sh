#!/usr/bin/env bash
# Installs the system packages the JupyterLab host (lab/) and its browser tests need, when missing:
# Debian's jupyter_server + jupyterlab_server (serve the host) and Chromium (ui-tests), with the
# DejaVu fonts the reference screenshots in ui-tests/screenshots/ were drawn with.
# As root it apt-installs them; otherwise it prints the command for an administrator and fails.
set -euo pipefail

packages=(python3-jupyter-server python3-jupyterlab-server chromium fonts-dejavu-core)
[ "${1:-}" = "--no-browser" ] && packages=(python3-jupyter-server python3-jupyterlab-server)

missing=()
for pkg in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "tsematic: missing Debian packages: ${missing[*]}" >&2
  echo "  install them as root:  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi

echo "tsematic: installing ${missing[*]} (apt)" >&2
apt-get -o DPkg::Lock::Timeout=900 update
DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y --no-install-recommends "${missing[@]}"
