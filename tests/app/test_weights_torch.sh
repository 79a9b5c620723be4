#!/usr/bin/env bash
# test_weights_torch.sh: every assets/*.safetensors loads in PyTorch and
# equals, bit for bit, the app's dump of the scene that shows it
# (tools/check_safetensors.py). Skipped (exit 77) where PyTorch is missing.
set -u
TS=${TS_BIN:?run through ctest}
PY=/usr/bin/python3
if ! "$PY" -c "import torch" >/dev/null 2>&1; then
  echo "skipped: no PyTorch for $PY (apt-get install python3-torch)"
  exit 77
fi
"$PY" "$TS_SRC/tools/check_safetensors.py" --bin "$TS"
