#!/usr/bin/env bash
# bench_record.sh: is `record` limited by the encoder, as it should be?
#
#   tools/bench_record.sh [SCENE...]          (default: calibration cnn)
#   SIZE=1920x1080 FPS=60 PRESET=veryfast FRAMES=300 RUNS=3 TS_BIN=build/tensorstage
#
# For each scene, in one run:
#   record         tensorstage record SCENE --preset PRESET: frames per second
#                  exported (the app's own summary line: from ffmpeg's start
#                  to its end, without the scene's start-up);
#   ffmpeg alone   the real ffmpeg with the exact command line record used,
#                  encoding the exact raw frames record piped to it (both
#                  captured once through a stand-in ffmpeg on PATH), timed
#                  from launch to exit;
#   drawing alone  record with a stand-in ffmpeg that throws the frames away:
#                  drawing, reading back and piping, no encoding.
# Each is run RUNS times, interleaved so a change in the machine's load hits
# all three alike; the table gives medians of frames per second, record as %
# of ffmpeg alone, CPU time per frame (user + system, the process and its
# children, start-up included: bash's `time`) and peak memory (GNU time's
# maximum resident set size, of tensorstage or ffmpeg, whichever is larger;
# "-" without GNU time). On a machine whose GPU is its CPU (llvmpipe), record
# needs the CPU time of both others, and that bounds it on a few cores.
# The raw frames take FRAMES x W x H x 4 bytes in a temporary folder (300
# frames at 1080p: 2.5 GB), removed at the end.
set -euo pipefail
size=${SIZE:-1920x1080} fps=${FPS:-60} preset=${PRESET:-veryfast} frames=${FRAMES:-300} runs=${RUNS:-3}
scenes=("$@")
[ ${#scenes[@]} -gt 0 ] || scenes=(calibration cnn)
bin=$(realpath "${TS_BIN:-$(dirname "$0")/../build/tensorstage}")
ffmpeg=$(command -v ffmpeg) || { echo "bench_record.sh: needs ffmpeg" >&2; exit 2; }
tmp=$(mktemp -d /tmp/ts-bench-record-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
export SDL_VIDEODRIVER=${SDL_VIDEODRIVER:-offscreen}
rss=()
if /usr/bin/time -f %M true >/dev/null 2>&1; then rss=(/usr/bin/time -f %M -o "$tmp/rss"); fi

# The stand-in ffmpeg: answers -encoders through the real one; given frames on
# stdin (pipe:0), either keeps them and the command line (capture) or drops
# them (null), and leaves an empty file where the video would be.
mkdir "$tmp/bin"
cat > "$tmp/bin/ffmpeg" <<EOF
#!/usr/bin/env bash
case " \$* " in *" pipe:0 "*) ;; *) exec "$ffmpeg" "\$@" ;; esac
if [ "\$BENCH_SHIM" = capture ]; then printf '%s\n' "\$@" > "$tmp/args"; cat > "$tmp/raw"
else cat > /dev/null; fi
: > "\${@: -1}"
EOF
chmod +x "$tmp/bin/ffmpeg"

median() { sort -g | awk '{ v[NR] = $1 } END { print NR ? v[int((NR + 1) / 2)] : "-" }'; }
# measure NAME CMD...: runs CMD (stderr to $tmp/log); appends its CPU ms per
# frame to NAME.cpu and its peak MiB to NAME.mib
measure() {
  local name=$1 TIMEFORMAT='%U %S'; shift
  { time "${rss[@]}" "$@" 2> "$tmp/log"; } 2> "$tmp/cpu" || { cat "$tmp/log" >&2; exit 1; }
  awk -v n="$frames" '{ printf "%.1f\n", 1000 * ($1 + $2) / n }' "$tmp/cpu" >> "$tmp/$name.cpu"
  if [ ${#rss[@]} -gt 0 ]; then awk '{ printf "%.0f\n", $1 / 1024 }' "$tmp/rss" >> "$tmp/$name.mib"
  else echo - >> "$tmp/$name.mib"; fi
}
# record NAME [ENV...]: one record of the scene; appends its frames/s to NAME.fps
record() {
  local name=$1; shift
  rm -f "$tmp/v.mp4"
  measure "$name" env "$@" "$bin" record "$scene" --out "$tmp/v.mp4" --size "$size" --fps "$fps" \
    --preset "$preset" --frames "$frames"
  sed -n 's/.* \([0-9.]*\) frames\/s exported.*/\1/p' "$tmp/log" >> "$tmp/$name.fps"
}
row() {  # row SCENE LABEL NAME [PERCENT]
  printf '%-12s %-14s %8s %12s %14s %10s\n' "$1" "$2" "$(median < "$tmp/$3.fps")" "${4:-}" \
    "$(median < "$tmp/$3.cpu")" "$(median < "$tmp/$3.mib")"
}

printf 'tensorstage record at %s, %s fps, x264 %s: %s frames from the start of each story, median of %s runs\n' \
  "$size" "$fps" "$preset" "$frames" "$runs"
printf 'machine: %s CPUs, load %s at the start; GL: %s\n\n' "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)" \
  "$("$bin" bench calibration --size 64x64 --frames 1 | sed -n 's/.* on \(.*\)$/\1/p')"
printf '%-12s %-14s %8s %12s %14s %10s\n' scene measured fps '% of ffmpeg' 'CPU ms/frame' 'peak MiB'
for scene in "${scenes[@]}"; do
  record capture "PATH=$tmp/bin:$PATH" BENCH_SHIM=capture
  mapfile -t args < "$tmp/args"
  args[${#args[@]}-1]=$tmp/alone.mp4
  rm -f "$tmp"/{rec,alone,null}.*
  for ((r = 0; r < runs; r++)); do
    record rec
    record null "PATH=$tmp/bin:$PATH" BENCH_SHIM=null
    a=$(date +%s.%N)
    measure alone "$ffmpeg" "${args[@]}" < "$tmp/raw"
    b=$(date +%s.%N)
    awk -v n="$frames" -v a="$a" -v b="$b" 'BEGIN { printf "%.1f\n", n / (b - a) }' >> "$tmp/alone.fps"
  done
  rm -f "$tmp/raw"
  pct=$(awk -v r="$(median < "$tmp/rec.fps")" -v a="$(median < "$tmp/alone.fps")" 'BEGIN { printf "%.0f%%", 100 * r / a }')
  row "$scene" record rec "$pct"
  row '' 'ffmpeg alone' alone
  row '' 'drawing alone' null
done
