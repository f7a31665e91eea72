#!/usr/bin/env bash
# Installs the Debian Slurm packages a local test cluster needs (server/src/slurm-cluster/).
# Idempotent: exits at once when every daemon and client is already there.
# Also creates the unprivileged user Slurm jobs and slurmrestd run as (tsematic-slurm).
set -euo pipefail

# acl: setfacl lets the job user traverse a private parent of the checkout (slurm-cluster/cluster.ts).
packages=(slurm-wlm slurmctld slurmd slurmrestd slurm-client munge slurm-wlm-jwt-plugin acl)
job_user=tsematic-slurm

present() {
  for cmd in slurmctld slurmd slurmrestd munged sbatch setfacl; do
    command -v "$cmd" >/dev/null 2>&1 || [ -x "/usr/sbin/$cmd" ] || return 1
  done
  # The JWT plugin is a separate package: without it slurmctld refuses AuthAltTypes=auth/jwt.
  ls /usr/lib/*/slurm-wlm/auth_jwt.so >/dev/null 2>&1 || return 1
  id -u "$job_user" >/dev/null 2>&1 || return 1
}

if present; then exit 0; fi

if [ "$(id -u)" -ne 0 ]; then
  echo "slurm-install: Slurm is not installed and this is not root, so it cannot be installed here." >&2
  echo "Run as root:" >&2
  echo "  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${packages[*]}" >&2
  echo "  useradd --system --no-create-home --shell /usr/sbin/nologin $job_user" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
install() { apt-get install -y --no-install-recommends "${packages[@]}"; }
# The package lists may be stale or missing on a fresh machine: refresh them only when installing fails.
install || { apt-get update && install; }

# Jobs run as an unprivileged system user (not root), as on a real site; slurmrestd refuses to run as root.
if ! id -u "$job_user" >/dev/null 2>&1; then
  useradd --system --no-create-home --shell /usr/sbin/nologin "$job_user"
fi
