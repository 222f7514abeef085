#!/usr/bin/env bash
# Creates the throw-away reference virtualenv (PyTorch + transformers from PyPI) used by the fixture
# generators and the benchmark scripts. Never used by the tests or CI: the PyPI torch wheel pulls ~5 GB
# of CUDA libraries even though everything here runs on CPU.
#   scripts/reference/setup_venv.sh        -> $BERMO_REF_VENV (default ~/.cache/bermo/refvenv)
set -euo pipefail
venv="${BERMO_REF_VENV:-$HOME/.cache/bermo/refvenv}"
if [ ! -x "$venv/bin/python" ]; then python3 -m venv "$venv"; fi
"$venv/bin/pip" install -q torch transformers accelerate safetensors numpy tokenizers scipy
"$venv/bin/python" -c "import torch, transformers; print('reference venv ready:', torch.__version__, transformers.__version__)"
