#!/usr/bin/env bash
# Tests of the OpenFeature provider (js/openfeature.js, js/openfeature.d.ts) through the real
# @openfeature/web-sdk.
#
# It installs the pinned dev dependencies with `npm ci` when node_modules is missing or older
# than the lock file, installs the built package from an `npm pack` tarball of pkg/ as
# node_modules/upgrade-prompts (what a user gets: the engine always comes from there), copies
# js/openfeature.js and js/openfeature.d.ts beside the tests in .run/ (so `upgrade-prompts` and
# `@openfeature/web-sdk` resolve from this folder's node_modules), runs the tests with
# `node --test`, and type-checks a consumer with tsc (strict, skipLibCheck false; NodeNext, then
# Bundler resolution). When pkg/ already ships the provider (`upgrade-prompts/openfeature`) and
# it matches js/openfeature.js, the tests run against it too, and its CommonJS build
# (openfeature.cjs), when present, is required and asked one flag.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
pkg="$root/pkg"

if [ ! -f "$pkg/package.json" ]; then
  echo "pkg/ is missing: make pkg"
  make -C "$root" pkg
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
log="$tmp/log"
: >"$log"
tarball="$tmp/$(cd "$tmp" && npm pack "$pkg" --pack-destination "$tmp" --silent | tail -n 1)"

want="$(sha256sum "$here/package-lock.json" | cut -d' ' -f1)"
have=""
[ -f "$here/node_modules/.lock-sha256" ] && have="$(cat "$here/node_modules/.lock-sha256")"
if [ "$want" != "$have" ]; then
  echo "== npm ci in tests/openfeature"
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" >"$here/node_modules/.lock-sha256"
fi
rm -rf "$here/node_modules/upgrade-prompts"
mkdir -p "$here/node_modules/upgrade-prompts"
tar -xzf "$tarball" --strip-components=1 -C "$here/node_modules/upgrade-prompts"

rm -rf "$here/.run"
mkdir -p "$here/.run"
cp "$here"/test/*.mjs "$here/test/types.ts" "$here/test/tsconfig.json" "$here/.run/"
cp "$root/js/openfeature.js" "$root/js/openfeature.d.ts" "$here/.run/"

status=0
run() { # label, extra env...
  local label="$1"
  shift
  echo "== $label: node --test"
  (cd "$here/.run" && env "$@" node --test --test-reporter=spec ./*.test.mjs) 2>&1 | tee -a "$log" || status=1
}

run "js/openfeature.js" UPGRADE_PROMPTS_ROOT="$root/"

echo "== tsc (NodeNext, then Bundler resolution)"
tsc="$here/node_modules/.bin/tsc"
"$tsc" -p "$here/.run/tsconfig.json" || status=1
"$tsc" -p "$here/.run/tsconfig.json" --module esnext --moduleResolution bundler || status=1

shipped="$here/node_modules/upgrade-prompts/openfeature.js"
if [ -f "$shipped" ] && grep -q '"./openfeature"' "$here/node_modules/upgrade-prompts/package.json"; then
  if cmp -s "$shipped" "$root/js/openfeature.js"; then
    run "the packed upgrade-prompts/openfeature" UPGRADE_PROMPTS_ROOT="$root/" UPGRADE_PROMPTS_OPENFEATURE=upgrade-prompts/openfeature
    if [ -f "$here/node_modules/upgrade-prompts/openfeature.cjs" ]; then
      cp "$here/test/cjs-smoke.cjs" "$here/.run/"
      echo "== the packed CommonJS build: node --test"
      (cd "$here/.run" && node --test --test-reporter=spec ./cjs-smoke.cjs) 2>&1 | tee -a "$log" || status=1
    fi
  else
    echo "== pkg/openfeature.js differs from js/openfeature.js (pkg/ is older): rebuild pkg/ to test the packed provider"
  fi
else
  echo "== pkg/ does not ship upgrade-prompts/openfeature yet: tested js/openfeature.js only"
fi

passed="$(awk '/^ℹ pass /{n+=$3} END{print n+0}' "$log")"
failed="$(awk '/^ℹ fail /{n+=$3} END{print n+0}' "$log")"
[ "$failed" -eq 0 ] || status=1
echo "openfeature: $passed passed, $failed failed"
exit "$status"
