#!/usr/bin/env bash
# Debian 12 packages Estate CRM needs beyond Python:
#   chromium                      browser tests (Playwright drives /usr/bin/chromium)
#   fonts-noto-cjk                Chinese glyphs in PDFs and screenshots
#   libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0   WeasyPrint (PDF reports)
#   gettext                       msgfmt for `manage.py compilemessages`
#   poppler-utils                 pdftotext: the tests read generated PDFs back
# Idempotent: installs only what is missing. As root it installs; otherwise it prints the
# command and exits non-zero if anything is missing (zero if all is present).
set -euo pipefail

PACKAGES=(chromium fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 gettext poppler-utils)

missing=()
for pkg in "${PACKAGES[@]}"; do
    if ! dpkg -s "$pkg" 2>/dev/null | grep -q '^Status: install ok installed'; then
        missing+=("$pkg")
    fi
done

if [ "${#missing[@]}" -eq 0 ]; then
    echo "System packages present: ${PACKAGES[*]}"
    exit 0
fi

echo "Missing system packages: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
    echo "Install them as root:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends "${missing[@]}"
echo "Installed: ${missing[*]}"
