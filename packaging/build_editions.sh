#!/usr/bin/env bash
# Build the one-folder app for both editions (or those named) with PyInstaller.
#   packaging/build_editions.sh                 internal and customer
#   packaging/build_editions.sh customer        only the customer edition
#   PYINSTALLER_DEBUG=1 packaging/build_editions.sh customer   debug build (console, import log)
# Needs the venv (.ci/setup) plus PyInstaller: .venv/bin/python -m pip install pyinstaller
# Outputs (git-ignored, never committed): dist/configurator-<edition>/, work files in build/.
# Per edition: stage db/ (the customer edition without costs.csv), build its catalog with the command line
# (`configurator catalog build --edition <edition>`) from the staged sources, write the resources/edition
# marker, run packaging/configurator.spec, then check the customer catalog and smoke-test the bundle.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
editions=("$@")
[ ${#editions[@]} -gt 0 ] || editions=(internal customer)

"$PY" -c 'import PyInstaller' 2>/dev/null || { echo "build_editions: PyInstaller missing: $PY -m pip install pyinstaller" >&2; exit 1; }
QT_QPA_PLATFORM=offscreen "$PY" packaging/make_icons.py build/icons >/dev/null

for edition in "${editions[@]}"; do
  case "$edition" in internal|customer) ;; *) echo "build_editions: unknown edition '$edition'" >&2; exit 2;; esac
  stage="build/editions/$edition"
  rm -rf "$stage"; mkdir -p "$stage/db"
  cp db/*.csv db/README.md "$stage/db/"
  [ "$edition" = customer ] && rm -f "$stage/db/costs.csv"
  CONFIGURATOR_DB_DIR="$stage/db" "$PY" -m configurator catalog build --edition "$edition" -o "$stage/catalog-$edition.sqlite"
  echo "$edition" > "$stage/edition"
  if [ "$edition" = customer ]; then
    "$PY" packaging/check_customer_catalog.py "$stage/catalog-$edition.sqlite"
  fi

  start=$(date +%s)
  CONFIGURATOR_BUNDLE_EDITION="$edition" CONFIGURATOR_BUNDLE_DB="$stage/db" \
  CONFIGURATOR_BUNDLE_CATALOG="$stage/catalog-$edition.sqlite" CONFIGURATOR_BUNDLE_MARKER="$stage/edition" \
    "$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
      --distpath dist --workpath "build/pyinstaller-$edition" packaging/configurator.spec
  bundle="dist/configurator-$edition"
  echo "built $bundle in $(( $(date +%s) - start )) s, $(du -sh "$bundle" | cut -f1)"

  if [ "$edition" = customer ] && find "$bundle" -name costs.csv | grep -q .; then
    echo "build_editions: costs.csv found in the customer bundle" >&2; exit 1
  fi
  # first start in a throwaway profile: builds nothing from db/ (copies the shipped catalog), paints, exits
  profile=$(mktemp -d)
  XDG_DATA_HOME="$profile/data" XDG_CONFIG_HOME="$profile/config" QT_QPA_PLATFORM=offscreen \
    "$bundle/configurator" --smoke
  rm -rf "$profile"
done
