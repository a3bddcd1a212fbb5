#!/usr/bin/env bash
# Tests of the React binding (js/react.js, its components js/react-ui.js, js/react.d.ts) with
# React 19 and React 18.
#
# For each React version (this folder: 19; react18/: 18) it installs the pinned dev dependencies
# with `npm ci` when node_modules is missing or older than the lock file, installs the built
# package from an `npm pack` tarball of pkg/ as node_modules/upgrade-prompts (what a user gets),
# copies js/react.js, js/react-ui.js and js/react.d.ts beside the tests in .run/ (so that `upgrade-prompts` and
# `react` resolve from that version's node_modules), runs the tests with `node --test`, and
# type-checks a consumer with that version's @types/react. When pkg/ already ships the binding
# (`upgrade-prompts/react`) and it matches js/react.js, the React 19 tests run against it too,
# and its CommonJS build (react.cjs) is required and rendered on the server.
#
# UP_PKG=/path/to/a/copy tests that copy of the package instead of pkg/ (which a build may be
# rewriting meanwhile): `cp -r pkg /tmp/up-pkg && UP_PKG=/tmp/up-pkg tests/react/run.sh`.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
pkg="${UP_PKG:-$root/pkg}" # UP_PKG: test another copy of the package (pkg/ may be rebuilt meanwhile)

if [ ! -f "$pkg/package.json" ]; then
  if [ -n "${UP_PKG:-}" ]; then
    echo "UP_PKG=$UP_PKG holds no package.json"
    exit 2
  fi
  echo "pkg/ is missing: make pkg"
  make -C "$root" pkg
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
log="$tmp/log"
: >"$log"
tarball="$tmp/$(cd "$tmp" && npm pack "$pkg" --pack-destination "$tmp" --silent | tail -n 1)"

install_deps() { # dir
  local dir="$1" want have=""
  want="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
  [ -f "$dir/node_modules/.lock-sha256" ] && have="$(cat "$dir/node_modules/.lock-sha256")"
  if [ "$want" != "$have" ]; then
    echo "== npm ci in ${dir#"$root"/}"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$want" >"$dir/node_modules/.lock-sha256"
  fi
  rm -rf "$dir/node_modules/upgrade-prompts"
  mkdir -p "$dir/node_modules/upgrade-prompts"
  tar -xzf "$tarball" --strip-components=1 -C "$dir/node_modules/upgrade-prompts"
}

stage() { # dir
  local dir="$1"
  rm -rf "$dir/.run"
  mkdir -p "$dir/.run"
  cp "$here"/test/*.mjs "$here/test/types.tsx" "$here/test/tsconfig.json" "$dir/.run/"
  cp "$root/js/react.js" "$root/js/react-ui.js" "$root/js/react.d.ts" "$dir/.run/"
}

status=0
run() { # label, dir, extra env...
  local label="$1" dir="$2"
  shift 2
  echo "== $label: node --test"
  (cd "$dir/.run" && env UPGRADE_PROMPTS_ROOT="$root/" "$@" node --test --test-reporter=spec ./*.test.mjs) 2>&1 | tee -a "$log" || status=1
}

typecheck() { # label, dir
  local label="$1" dir="$2" tsc="$2/node_modules/.bin/tsc"
  echo "== $label: tsc (NodeNext, then Bundler resolution)"
  "$tsc" -p "$dir/.run/tsconfig.json" || status=1
  "$tsc" -p "$dir/.run/tsconfig.json" --module esnext --moduleResolution bundler || status=1
}

for variant in "React 19:$here" "React 18:$here/react18"; do
  label="${variant%%:*}"
  dir="${variant#*:}"
  install_deps "$dir"
  stage "$dir"
  run "$label" "$dir"
  typecheck "$label" "$dir"
done

shipped="$here/node_modules/upgrade-prompts/react.js"
if [ -f "$shipped" ] && grep -q '"./react"' "$here/node_modules/upgrade-prompts/package.json"; then
  if cmp -s "$shipped" "$root/js/react.js" && cmp -s "${shipped%react.js}react-ui.js" "$root/js/react-ui.js"; then
    run "React 19, the packed upgrade-prompts/react" "$here" UPGRADE_PROMPTS_REACT=upgrade-prompts/react
    if [ -f "$here/node_modules/upgrade-prompts/react.cjs" ]; then
      cp "$here/test/cjs-smoke.cjs" "$here/.run/"
      echo "== React 19, the packed CommonJS build: node --test"
      (cd "$here/.run" && UPGRADE_PROMPTS_ROOT="$root/" node --test --test-reporter=spec ./cjs-smoke.cjs) 2>&1 | tee -a "$log" || status=1
    fi
  else
    echo "== pkg/react.js differs from js/react.js (pkg/ is older): rebuild pkg/ to test the packed binding"
  fi
else
  echo "== pkg/ does not ship upgrade-prompts/react yet: tested js/react.js only"
fi

passed="$(awk '/^ℹ pass /{n+=$3} END{print n+0}' "$log")"
failed="$(awk '/^ℹ fail /{n+=$3} END{print n+0}' "$log")"
[ "$failed" -eq 0 ] || status=1
echo "react: $passed passed, $failed failed"
exit "$status"
