#!/usr/bin/env bash
# Creates .venv at the repo root (Python 3.11) with PyTorch 2.13.0 CPU, from the wheel on disk,
# and every requirements file in REQUIREMENTS below. Idempotent: a stamp of the inputs makes a
# second run a no-op. Progress goes to stderr; exit 1 with a reason when it cannot be done.
set -euo pipefail
cd "$(dirname "$0")/.."
log() { echo "[setup-python] $*" >&2; }

# One requirements file per part of the project that needs Python; add yours here.
REQUIREMENTS=(embeddings/requirements.txt training/requirements-ci.txt scripts/requirements-data.txt)
TORCH_VERSION=2.13.0
VENV=${CROSSFORK_VENV:-.venv}

python=""
for candidate in "${CROSSFORK_PYTHON311:-}" python3.11 /usr/bin/python3.11; do
  [ -n "$candidate" ] || continue
  if command -v "$candidate" >/dev/null 2>&1 &&
     "$candidate" -c 'import sys, venv, ensurepip; assert sys.version_info[:2] == (3, 11)' >/dev/null 2>&1; then
    python=$(command -v "$candidate"); break
  fi
done
[ -n "$python" ] || { log "no Python 3.11 with venv and ensurepip found (set CROSSFORK_PYTHON311)"; exit 1; }

# Everything that decides the venv's contents; unchanged inputs mean nothing to do.
stamp_of() {
  { "$python" -c 'import sys; print(sys.version)'; echo "torch==$TORCH_VERSION"
    for f in "${REQUIREMENTS[@]}"; do echo "== $f"; cat "$f"; done; } | sha256sum | cut -d' ' -f1
}
want=$(stamp_of)
if [ -x "$VENV/bin/python" ] && [ "$(cat "$VENV/.crossfork-stamp" 2>/dev/null)" = "$want" ]; then
  log "$VENV is up to date (torch $TORCH_VERSION, ${REQUIREMENTS[*]})"
  exit 0
fi

start=$(date +%s)
if [ ! -x "$VENV/bin/python" ]; then
  log "creating $VENV with $python"
  "$python" -m venv "$VENV"
fi
# pip, without the warnings about this machine's empty extra indexes ("Location ... is ignored").
pip() {
  "$VENV/bin/python" -m pip --disable-pip-version-check --no-input "$@" 2>&1 | { grep -v "^WARNING: Location '.*' is ignored" || true; } >&2
}

# PyTorch: only ever the CPU wheel of this exact version from a local folder (pip's find-links,
# e.g. PIP_FIND_LINKS); PyPI's torch of the same version is a CUDA build of several GB.
if ! "$VENV/bin/python" -c "import torch, sys; sys.exit(torch.__version__.split('+')[0] != '$TORCH_VERSION' or torch.version.cuda is not None)" >/dev/null 2>&1; then
  log "installing torch==$TORCH_VERSION (CPU) from a local wheel"
  if ! pip install --quiet --no-index --no-deps "torch==$TORCH_VERSION"; then
    log "no local CPU wheel of torch $TORCH_VERSION for this Python: put one in a folder and set PIP_FIND_LINKS to it"
    exit 1
  fi
fi

# torch's own dependencies come from the index; the constraint keeps every requirements file on
# that torch (never a CUDA build in its place).
constraints=$(mktemp -t crossfork-constraints-XXXXXX)
trap 'rm -f "$constraints"' EXIT
echo "torch==$TORCH_VERSION" > "$constraints"
log "installing torch's dependencies"
pip install --quiet "torch==$TORCH_VERSION" -c "$constraints"
for f in "${REQUIREMENTS[@]}"; do
  log "installing $f"
  pip install --quiet -r "$f" -c "$constraints"
done
"$VENV/bin/python" -c "import torch; assert torch.version.cuda is None, 'a CUDA torch got in'" >&2

echo "$want" > "$VENV/.crossfork-stamp"
log "$VENV ready in $(( $(date +%s) - start )) s: $("$VENV/bin/python" --version), torch $("$VENV/bin/python" -c 'import torch; print(torch.__version__)')"
