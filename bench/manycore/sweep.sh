#!/usr/bin/env bash
# The many-core sweep, run on a machine without Node from a folder made by
# ../shared/many-core/pack.sh (node.xz + simdtrain/) with this script beside
# them: `simdtrain bench` with its PyTorch peer measured in the same run
# (sgemm by shape and thread count, Adam 1e7/1e8, MLP epoch at batch 128 and
# 1024 on 1 and the most threads), the table on stdout, JSON and logs in $OUT.
#   OUT=/tmp/o THREADS=1,2 ADAM=1000000 ROWS=6000 bash sweep.sh   (a local trial)
set -uo pipefail
dir=$(cd "$(dirname "$0")" && pwd)
out=${OUT:-/tmp/manycore-out}
threads=${THREADS:-1,2,4,8,12,16}
shapes=${SHAPES:-1024x1024x1024,2048x2048x2048,4096x4096x4096,1024x256x784,128x256x784}
adam=${ADAM:-10000000,100000000}
mkdir -p "$out" /tmp/manycore-node
if ! command -v node >/dev/null; then
  xz -dc "$dir/node.xz" > /tmp/manycore-node/node && chmod +x /tmp/manycore-node/node
  export PATH=/tmp/manycore-node:$PATH
fi
{ lscpu; echo; free -g; echo; python3 -c 'import torch; print("torch", torch.__version__, "mkl", torch.backends.mkl.is_available(), "threads", torch.get_num_threads())'; node --version; } > "$out/machine.txt" 2>&1
grep -E 'Model name|^CPU\(s\)|Thread|Core|Socket|L2|L3|NUMA node\(s\)' "$out/machine.txt"; tail -2 "$out/machine.txt"
node "$dir/simdtrain/dist/cli/main.js" bench --threads "$threads" --shapes "$shapes" --adam "$adam" --epoch 128,1024 \
  --rows "${ROWS:-60000}" --json "$out/manycore.json" 2> >(tee "$out/progress.log" >&2)
