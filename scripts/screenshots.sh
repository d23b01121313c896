#!/bin/sh
# scripts/screenshots.sh: regenerates every screenshot of the docs and the help
# in one command, from the GUI tests (CS_SCREENSHOT_DIR) and the CLI's chart
# renders, so they show the application as it is.
#
#   scripts/screenshots.sh [BUILDDIR]      (default: build)
#
# It builds what it needs in BUILDDIR (configured with -Dgui=true), runs the GUI
# tests that take screenshots under Xvfb with CS_SCREENSHOT_DIR set, and
# copies each picture to its place:
#   docs/screenshots/*.png   (the README, docs/*.md, and the metainfo's
#                             screenshots, which link to them)
#   help/C/figures/*.png     (the Mallard help)
# and renews the width and height the metainfo declares for each screenshot.
# It fails, naming them, when a picture a page uses was not produced (a test
# renamed its screenshot, or failed): nothing is left half-updated silently.
# Look at the results (git diff --stat; an image viewer) before committing.
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu

cd "$(dirname "$0")/.."
build=${1:-build}
shots=$(mktemp -d "${TMPDIR:-/tmp}/cohortscope-shots-XXXXXX")
trap 'rm -rf "$shots"' EXIT INT TERM

if [ ! -f "$build/build.ninja" ]; then
  echo "screenshots.sh: $build is not a configured build directory (meson setup $build)" >&2
  exit 1
fi

# The tests that write screenshots (test_maybe_screenshot in tests/gui/*.c)
tests="gui-window gui-cohort-builder gui-explore gui-mapping gui-servers gui-server-report gui-group-upload gui-a11y gui-keyboard"
ninja -C "$build"
echo "screenshots.sh: running the GUI tests with CS_SCREENSHOT_DIR=$shots"
# shellcheck disable=SC2086
CS_SCREENSHOT_DIR=$shots meson test -C "$build" --print-errorlogs $tests

# The CLI's renders for docs/CHARTS.md, from the demo cohort
cli="$build/src/cli/cohortscope-cli"
"$cli" demo -o "$shots/demo.json" >/dev/null
"$cli" chart --source "$shots/demo.json" --kind km --time os --by stage_group --time-unit months \
  --labels --width 760 --height 560 -o "$shots/chart-km.png"
"$cli" chart --source "$shots/demo.json" --kind heatmap --features 'original_glcm_*' \
  --clinical survival_time,age_at_diagnosis,ldh --width 760 --height 600 -o "$shots/chart-heatmap.png"
"$cli" chart --source "$shots/demo.json" --kind box --violin --x stage_group --y age_at_diagnosis --dark \
  --labels --width 760 --height 480 -o "$shots/chart-violin-dark.png"
"$cli" chart --source "$shots/demo.json" --kind forest --time os --covariates age_at_diagnosis,stage_group \
  --labels --width 960 --height 520 -o "$shots/chart-forest.png"

# destination <- screenshot (the name a test gives test_maybe_screenshot)
missing=""
place() {
  if [ -f "$shots/$2.png" ]; then
    cp "$shots/$2.png" "$1"
  else
    missing="$missing $1 (from $2.png)"
  fi
}
while read -r dest shot; do
  [ -n "$dest" ] && place "$dest" "$shot"
done <<EOF
docs/screenshots/chart-forest.png chart-forest
docs/screenshots/chart-heatmap.png chart-heatmap
docs/screenshots/chart-km.png chart-km
docs/screenshots/chart-violin-dark.png chart-violin-dark
docs/screenshots/cohort.png cohort-1280x800
docs/screenshots/cohort-builder.png cohort-builder
docs/screenshots/explore-heatmap.png explore-heatmap
docs/screenshots/explore-model.png explore-model
docs/screenshots/explore-scatter.png explore-scatter
docs/screenshots/explore-survival.png explore-survival
docs/screenshots/group-upload.png group-upload
docs/screenshots/group-upload-warning.png group-upload-warning
docs/screenshots/load-report.png load-report
docs/screenshots/mapping.png mapping
docs/screenshots/patient-detail.png patient-detail
docs/screenshots/server-cached.png server-cached
docs/screenshots/server-connection.png server-editor
docs/screenshots/server-load-report.png server-load-report
docs/screenshots/server-open.png server-open
docs/screenshots/server-preferences.png server-preferences
docs/screenshots/server-upload.png server-upload
help/C/figures/cohort.png cohort-1280x800
help/C/figures/cohort-builder.png cohort-builder
help/C/figures/explore-heatmap.png explore-heatmap
help/C/figures/explore-scatter.png explore-scatter
help/C/figures/explore-survival.png explore-survival
help/C/figures/group-upload.png group-upload
help/C/figures/mapping.png mapping
help/C/figures/server-open.png server-open
help/C/figures/server-preferences.png server-preferences
EOF

# The help's translations name each figure with its checksum (itstool):
# renew them, and take the new figure as it is (the msgstr of a figure is not
# used, it only marks it as seen)
ninja -C "$build" help-cohortscope-update-po
for po in help/*/*.po; do
  python3 - "$po" <<'PY'
import re, sys
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
def seen(m):
    comments = re.sub(r"#, fuzzy\n", "", m.group(1))
    comments = re.sub(r"#\| .*\n", "", comments)
    return f'{comments}msgctxt "_"\nmsgid ""\n{m.group(2)}msgstr ""\n{m.group(2)}'
text = re.sub(r'((?:#.*\n)*)msgctxt "_"\nmsgid ""\n((?:"external ref=[^\n]*\n)(?:"[^\n]*\n)*)msgstr ""\n(?:"[^\n]*\n)*',
              seen, text)
open(path, "w", encoding="utf-8").write(text)
PY
done

# The metainfo names docs/screenshots by URL: keep its sizes true
python3 - data/io.github.cohortscope.Cohortscope.metainfo.xml.in.in <<'PY'
import re, struct, sys
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
def size(m):
    png = "docs/screenshots/" + m.group(3)
    with open(png, "rb") as f:
        w, h = struct.unpack(">II", f.read(24)[16:24])
    return f'{m.group(1)}width="{w}" height="{h}"{m.group(2)}{m.group(3)}'
new = re.sub(r'(<image type="source" )width="\d+" height="\d+"(>[^<]*/docs/screenshots/)([^<]+\.png)', size, text)
if new != text:
    open(path, "w", encoding="utf-8").write(new)
PY

# Pictures no test makes (a moment that does not last: the progress of a
# load), kept as they are; say so
for f in docs/screenshots/loading.png; do
  echo "screenshots.sh: kept as it was (no test makes it): $f"
done

# Every picture a page or the metainfo refers to must exist
for f in $(grep -ho 'screenshots/[A-Za-z0-9_.-]*\.png' README.md docs/*.md data/*.metainfo.xml.in.in | sort -u); do
  [ -f "docs/$f" ] || missing="$missing docs/$f (referenced, not found)"
done
for f in $(grep -ho 'figures/[A-Za-z0-9_.-]*\.png' help/C/*.page | sort -u); do
  [ -f "help/C/$f" ] || missing="$missing help/C/$f (referenced, not found)"
done

if [ -n "$missing" ]; then
  echo "screenshots.sh: not regenerated:$missing" >&2
  exit 1
fi
echo "screenshots.sh: done; review with git diff --stat docs/screenshots help/C/figures"
