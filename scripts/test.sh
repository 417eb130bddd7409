#!/usr/bin/env bash
# `npm test`: installs what the suite needs (npm packages; PostgreSQL + pgvector when root),
# type-checks, runs vitest against both database drivers, and prints a one-line summary.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "[test] installing npm packages (npm ci)" >&2
  npm ci --no-audit --no-fund >&2
fi

if [ -z "${TEST_DATABASE_URL:-}" ]; then
  # The setup script's stdout goes to a file, not a pipe: a daemon it starts could keep a
  # pipe open. Only the final `export TEST_DATABASE_URL=...` line is trusted; tools such
  # as pg_ctlcluster may print other lines ("Removed stale pid file").
  env_file=$(mktemp -t crossfork-test-env-XXXXXX)
  if bash scripts/setup-test-env.sh >"$env_file" &&
     url_line=$(grep -E "^export TEST_DATABASE_URL='[^']*'$" "$env_file" | tail -n 1) &&
     [ -n "$url_line" ]; then
    eval "$url_line"
    export TEST_DATABASE_URL
  elif [ -n "${CI:-}" ]; then
    rm -f "$env_file"
    echo "[test] could not set up PostgreSQL with pgvector; CI needs it" >&2; exit 1
  else
    echo "[test] PostgreSQL with pgvector unavailable: native-driver tests will be skipped" >&2
  fi
  rm -f "$env_file"
fi

# .venv for the Python parts (the embedding service, the training harness on PyTorch 2); a no-op when it is up to date.
if ! bash scripts/setup-python.sh; then
  if [ -n "${CI:-}" ]; then echo "[test] could not set up .venv (scripts/setup-python.sh); CI needs it" >&2; exit 1; fi
  echo "[test] .venv unavailable: embedding-service and PyTorch 2 training tests will be skipped" >&2
fi

echo "[test] formatting (prettier --check; fix with npm run format)" >&2
npx prettier --check . >&2

echo "[test] type-checking" >&2
npx tsc -p tsconfig.json --noEmit
npx svelte-check --tsconfig web/tsconfig.json --threshold error --output machine >&2

report=$(mktemp -t crossfork-vitest-XXXXXX.json)
status=0
npx vitest run --reporter=default --reporter=json --outputFile="$report" "$@" || status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const skipped = r.numPendingTests + (r.numTodoTests || 0);
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
' "$report" || true
rm -f "$report"
exit $status
