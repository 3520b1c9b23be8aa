#!/usr/bin/env bash
# Runs every test of overload: the whole Go test suite, then each fuzz
# target for a bounded time. This is the README's test command and what CI
# runs (.ci/run). Tests that need a system package (Chromium for the HTML
# report tests) install it themselves, so a fresh machine skips nothing.
#
#   ./test.sh                 everything
#   FUZZTIME=2m ./test.sh     longer fuzzing
set -euo pipefail
cd "$(dirname "$0")"

go vet ./...
go test ./...

fuzztime=${FUZZTIME:-20s}
# package  target
fuzzers=(
  "./ingest/ics   FuzzImport"
  "./ingest/mbox  FuzzParseDate"
  "./ingest/mbox  FuzzRead"
  "./dataset      FuzzReadParquet"
  "./ingest/google/googletest  FuzzParseFields"
)
for f in "${fuzzers[@]}"; do
  read -r pkg target <<<"$f"
  echo "fuzz $pkg $target for $fuzztime"
  go test "$pkg" -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime"
done
