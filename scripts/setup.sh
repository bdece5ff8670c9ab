#!/usr/bin/env bash
# Set up letter_gen on a fresh machine: LibreOffice and fonts (for PDF output and its tests),
# then a virtual environment in .venv with letter_gen and its test tools.
set -euo pipefail
cd "$(dirname "$0")/.."

# Its few lines in the clerk's language, chosen as letter_gen chooses (letter_gen/i18n.py):
# LETTER_GEN_LANG, else the first of LANGUAGE, LC_ALL, LC_MESSAGES, LANG set; Vietnamese unless "en".
say() {  # say "Vietnamese" "English"
  local chosen="${LETTER_GEN_LANG:-}"
  if [ -z "$chosen" ]; then
    for variable in LANGUAGE LC_ALL LC_MESSAGES LANG; do
      if [ -n "${!variable:-}" ]; then chosen="${!variable%%:*}"; break; fi
    done
  fi
  case "${chosen,,}" in en*) echo "setup: $2" ;; *) echo "setup: $1" ;; esac
}

need_system=0
command -v soffice >/dev/null 2>&1 || need_system=1
command -v pdftotext >/dev/null 2>&1 || need_system=1
command -v softhsm2-util >/dev/null 2>&1 || need_system=1
[ -e /usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf ] || need_system=1
if [ "$need_system" = 1 ]; then
  packages="libreoffice-writer-nogui fonts-liberation2 poppler-utils softhsm2"
  if [ "$(id -u)" = 0 ]; then
    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $packages
  elif command -v sudo >/dev/null 2>&1; then
    sudo apt-get update -q && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q $packages
  else
    say "cần cài $packages để ghi PDF (Debian/Ubuntu: apt-get install $packages)" \
        "install $packages for PDF output (Debian/Ubuntu: apt-get install $packages)" >&2
  fi
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'

# YAML inputs are parsed by libyaml (PyYAML's C parser), 10-15x faster than its pure-Python one.
# PyYAML's wheels include it; a PyYAML built from source needs libyaml's headers.
with_libyaml() { .venv/bin/python -c 'import sys, yaml; sys.exit(0 if yaml.__with_libyaml__ else 1)'; }
if ! with_libyaml; then
  if [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q libyaml-dev || true
  elif command -v sudo >/dev/null 2>&1; then
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q libyaml-dev || true
  fi
  .venv/bin/python -m pip install -q --force-reinstall --no-binary pyyaml pyyaml || true
  with_libyaml || say "PyYAML chạy không có libyaml (cài libyaml-dev rồi chạy lại): tệp YAML sẽ đọc chậm hơn khoảng 10 lần" \
                      "PyYAML runs without libyaml (install libyaml-dev and rerun): YAML inputs are read ~10x slower" >&2
fi
say "xong; gõ .venv/bin/letter-gen --help để xem các lệnh" "done; run .venv/bin/letter-gen --help"
