#!/bin/sh
# Regenerate the UI translation sources (.ts) from every .py and .qml file
# under ui/, keeping the translations already made, and compile them (.qm).
# New strings come out unfinished: translate them (pyside6-linguist or an
# editor) and run this script again.
set -eu

LANGUAGES="zh_CN"

root=$(cd "$(dirname "$0")/../.." && pwd)
if [ -x "$root/.venv/bin/pyside6-lupdate" ]; then
    bin="$root/.venv/bin/"
else
    bin=""
fi
list=$(mktemp)
trap 'rm -f "$list"' EXIT

cd "$root"
# lupdate skips .py files when given a folder, so it gets a file list.
find ui \( -name '*.py' -o -name '*.qml' \) | sort >"$list"
for language in $LANGUAGES; do
    ts="ui/i18n/headunit_$language.ts"
    "${bin}pyside6-lupdate" @"$list" -no-obsolete \
        -source-language en -target-language "$language" -ts "$ts"
    "${bin}pyside6-lrelease" "$ts" -qm "ui/i18n/headunit_$language.qm"
done
