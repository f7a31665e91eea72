#!/usr/bin/env bash
# Builds the Python wheel users install JupyterLab extensions with: dist/tsematic_jupyterlab-<version>-py3-none-any.whl.
# It carries the prebuilt extension (tsematic_labextension/, rebuilt here when missing) under
# share/jupyter/labextensions/tsematic-jupyterlab (see pyproject.toml), so
#
#   pip install dist/tsematic_jupyterlab-*.whl
#
# into the environment that runs JupyterLab 4 installs it. Built with Debian's hatchling and build (no PyPI):
# installed with apt when missing (as root; otherwise it prints the command to run).
#
#   bash scripts/build-wheel.sh [--rebuild-extension] [--outdir DIR]
set -euo pipefail
cd "$(dirname "$0")/.."

outdir="$PWD/dist" rebuild=0
while [ $# -gt 0 ]; do
  case "$1" in
    --rebuild-extension) rebuild=1 ;;
    --outdir) outdir="$(mkdir -p "$2" && cd "$2" && pwd)"; shift ;;
    -h | --help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "build-wheel: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

packages=(python3-hatchling python3-build)
if ! /usr/bin/python3 -c "import hatchling, build" 2>/dev/null; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "build-wheel: Debian's hatchling is not installed and this is not root, so it cannot be installed here." >&2
    echo "Run as root:" >&2
    echo "  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${packages[*]}" >&2
    exit 1
  fi
  echo "build-wheel: installing ${packages[*]} (Debian)" >&2
  install() { DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y --no-install-recommends "${packages[@]}" >&2; }
  install || { apt-get update -qq && install; }
fi

if [ "$rebuild" = 1 ] || [ ! -f tsematic_labextension/package.json ]; then
  npm run build:labextension >&2
fi
# install.json tells JupyterLab how the extension was installed (pip): keep the built copy current.
cp install.json tsematic_labextension/install.json

# The wheel's version and the extension's must agree: pip and JupyterLab each show one of them.
node - <<'JS'
const fs = require("fs");
const npm = JSON.parse(fs.readFileSync("tsematic_labextension/package.json", "utf8")).version;
const py = (fs.readFileSync("pyproject.toml", "utf8").match(/^version = "([^"]+)"$/m) ?? [])[1];
if (npm !== py) {
  console.error(`build-wheel: pyproject.toml has version ${py} but the built extension has ${npm}: make them equal.`);
  process.exit(1);
}
JS

# --no-isolation: use Debian's hatchling instead of downloading one; -x: python3-build 0.9 cannot see that
# Debian's hatchling satisfies the requirement (it also asks for `editables`, needed by editable installs only).
mkdir -p "$outdir"
/usr/bin/python3 -m build --wheel --no-isolation --skip-dependency-check --outdir "$outdir" . >&2
ls -1 "$outdir"/tsematic_jupyterlab-*.whl
