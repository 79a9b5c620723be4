#!/usr/bin/env bash
# bench_record.sh: is rendering or encoding the bottleneck of `record`?
#
#   tools/bench_record.sh [SCENE] [WxH] [FPS]     (default calibration 1920x1080 60)
#
# 1. records SCENE with tensorstage, which reports the export rate and the time
#    spent rendering and reading back each frame;
# 2. decodes that video to raw RGBA and times ffmpeg encoding the same frames
#    alone with the same settings, which is ffmpeg's own encoding rate.
set -euo pipefail
scene=${1:-calibration} size=${2:-1920x1080} fps=${3:-60}
bin=${TS_BIN:-$(dirname "$0")/../build/tensorstage}
tmp=$(mktemp -d /tmp/ts-bench-record-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
export SDL_VIDEODRIVER=${SDL_VIDEODRIVER:-offscreen}
"$bin" record "$scene" --out "$tmp/a.mp4" --size "$size" --fps "$fps" 2>&1 | tail -1
ffmpeg -v error -i "$tmp/a.mp4" -f rawvideo -pix_fmt rgba "$tmp/raw"
frames=$(( $(stat -c %s "$tmp/raw") / ( ${size%x*} * ${size#*x} * 4 ) ))
start=$(date +%s.%N)
ffmpeg -v error -y -f rawvideo -pix_fmt rgba -s "$size" -r "$fps" -i "$tmp/raw" \
  -c:v libx264 -preset fast -crf 18 -pix_fmt yuv420p -f mp4 "$tmp/b.mp4"
end=$(date +%s.%N)
awk -v n="$frames" -v a="$start" -v b="$end" \
  'BEGIN { printf "ffmpeg alone: %d frames in %.1f s: %.1f frames/s encoded\n", n, b - a, n / (b - a) }'
