#!/bin/sh
# Makes shardscope.1.gz and shardscope-ctl.1.gz with help2man from the built binary's own
# --help and `ctl --help` (the option tables the program parses), plus the sections in
# the .h2m files beside this script (signals, exit status, files, environment).
#   make-man.sh BINARY OUTDIR VERSION
set -eu
bin=$(realpath "$1") out=$2 version=$3 here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
# Under -DSHARDSCOPE_SANITIZE=ON the binary is ASan's: a leak report at exit of --help
# must not fail the build.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
# help2man names a page after the program it runs: one link per page.
ln -sf "$bin" "$out/shardscope"
ln -sf "$bin" "$out/shardscope-ctl"
# The date on the page is the build's, unless SOURCE_DATE_EPOCH pins it (reproducible builds).
help2man --no-info --version-string="$version" --include "$here/shardscope.h2m" \
    -o "$out/shardscope.1" "$out/shardscope"
help2man --no-info --version-string="$version" --help-option="ctl --help" --include "$here/shardscope-ctl.h2m" \
    -o "$out/shardscope-ctl.1" "$out/shardscope-ctl"
# ctl's help has "Commands:" and "Exit codes:" paragraphs; they are sections of the page.
sed -i -e 's/^\.SS "Commands:"$/.SH COMMANDS/' -e 's/^\.SS "Exit codes:"$/.SH "EXIT STATUS"/' "$out/shardscope-ctl.1"
grep -q '^\.SH COMMANDS' "$out/shardscope-ctl.1" && grep -q '^\.SH "EXIT STATUS"' "$out/shardscope-ctl.1" \
    || { echo "make-man.sh: ctl --help no longer has Commands: and Exit codes: paragraphs" >&2; exit 1; }
rm -f "$out/shardscope" "$out/shardscope-ctl"
gzip -9nf "$out/shardscope.1" "$out/shardscope-ctl.1"
