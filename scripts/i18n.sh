#!/usr/bin/env bash
# Refresh the catalogues after changing user-facing strings: extract them
# (babel.cfg), merge them into translations/*/LC_MESSAGES/messages.po, then
# translate the new zh_CN entries (tests/test_i18n_catalogue.py fails until
# every one has a translation). The app compiles the .po files itself.
set -euo pipefail
cd "$(dirname "$0")/.."
pybabel="${PYBABEL:-.venv/bin/pybabel}"
"$pybabel" -q extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 \
  --no-location --sort-output --omit-header -o translations/messages.pot .
for locale in en zh_CN; do
  po="translations/$locale/LC_MESSAGES/messages.po"
  if [ -f "$po" ]; then
    "$pybabel" -q update --no-fuzzy-matching --ignore-obsolete \
      -i translations/messages.pot -d translations -l "$locale"
  else
    "$pybabel" -q init -i translations/messages.pot -d translations -l "$locale"
  fi
done
rm translations/messages.pot
