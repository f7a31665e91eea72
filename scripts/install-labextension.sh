#!/usr/bin/env bash
# Installs the built Tsematic extension into an existing JupyterLab 4 (no Python package needed:
# JupyterLab loads prebuilt extensions from <data dir>/labextensions/<package name>).
#
#   bash scripts/install-labextension.sh [--user | --sys-prefix [--python PY] | --prefix DIR]
#                                        [--symlink] [--uninstall]
#
#   --user        the user's Jupyter data dir (default; $JUPYTER_DATA_DIR or `jupyter --data-dir`)
#   --sys-prefix  the environment JupyterLab runs in: <sys.prefix of PY>/share/jupyter (PY: python3)
#   --prefix DIR  DIR/share/jupyter
#   --symlink     link to this checkout's build instead of copying (for development)
#   --uninstall   remove it again
# Then reload JupyterLab; `jupyter labextension list` shows tsematic-jupyterlab.
set -euo pipefail
cd "$(dirname "$0")/.."

name=tsematic-jupyterlab
build="$PWD/tsematic_labextension"
mode=user python=python3 prefix="" symlink=0 uninstall=0
while [ $# -gt 0 ]; do
  case "$1" in
    --user) mode=user ;;
    --sys-prefix) mode=sys-prefix ;;
    --python) python="$2"; shift ;;
    --prefix) mode=prefix; prefix="$2"; shift ;;
    --symlink) symlink=1 ;;
    --uninstall) uninstall=1 ;;
    -h | --help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "install-labextension: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

case "$mode" in
  user)
    data_dir="${JUPYTER_DATA_DIR:-$(jupyter --data-dir 2>/dev/null || echo "$HOME/.local/share/jupyter")}" ;;
  sys-prefix)
    data_dir="$("$python" -c 'import sys; print(sys.prefix)')/share/jupyter" ;;
  prefix)
    data_dir="$prefix/share/jupyter" ;;
esac
target="$data_dir/labextensions/$name"

if [ "$uninstall" = 1 ]; then
  rm -rf "$target"
  echo "Removed $target. Reload JupyterLab."
  exit 0
fi

if [ ! -f "$build/package.json" ]; then
  npm run --silent build:labextension
fi
# JupyterLab's extension manager reads install.json for the uninstall instructions.
cp install.json "$build/install.json"
mkdir -p "$(dirname "$target")"
rm -rf "$target"
if [ "$symlink" = 1 ]; then
  ln -s "$build" "$target"
else
  cp -R "$build" "$target"
fi
echo "Installed $name into $target. Reload JupyterLab (jupyter labextension list shows it)."
