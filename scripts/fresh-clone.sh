#!/usr/bin/env bash
# Proves that the repository works on its own: clones the committed HEAD into an empty temporary folder, with
# nothing beside it (so no ../shared), and runs the README's first two commands there as a
# newcomer would.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
head="$(git -C "$repo" rev-parse --short HEAD)"
parent="$(mktemp -d)"
log="$(mktemp)"
trap 'rm -rf "$parent" "$log"' EXIT
clone="$parent/kubematrix"

say() { echo "fresh clone: $*"; }
fail() {
  echo "fresh clone: FAILED: $*" >&2
  exit 1
}

say "proving that commit $head, cloned alone into an empty folder (no ../shared), installs, scans and passes its tests"
[[ -z "$(git -C "$repo" status --porcelain)" ]] || say "note: uncommitted changes in $repo are not part of this check"

git clone --quiet "$repo" "$clone"
[[ "$(git -C "$clone" rev-parse --short HEAD)" == "$head" ]] || fail "the clone is not at $head"
[[ "$(ls -A "$parent")" == kubematrix ]] || fail "$parent holds more than the clone"

cd "$clone"
# As on a newcomer's machine: without CI the corpus tests skip visibly instead of failing for want of ../shared.
unset CI
# The README's first line; --prefer-offline takes packages from the npm cache the outer install filled.
scan="$(npm ci --prefer-offline --no-audit --no-fund >&2 && npx kubematrix scan examples/shop)" ||
  fail "npm ci && npx kubematrix scan examples/shop exited non-zero"
summary="$(grep -E '^[1-9][0-9]* findings ' <<<"$scan")" || fail "the scan of examples/shop printed no findings"
say "npx kubematrix scan examples/shop: $summary"

# The README's second line.
npm test 2>&1 | tee "$log" || fail "npm test failed in the fresh clone"
grep -q '\.\./shared not found: corpus tests skipped' "$log" ||
  fail "no corpus test said it was skipped: did the clone see a ../shared?"

say "OK: commit $head works from a bare clone: npm ci, the example scan and npm test pass without ../shared (corpus tests skipped)"
