#!/usr/bin/env bash
# bench_record.sh: is `record` limited by the encoder, as it should be?
#
#   tools/bench_record.sh [SCENE...]          (default: calibration cnn)
#   SIZE=1920x1080 FPS=60 PRESET=veryfast FRAMES=300 RUNS=3 TS_BIN=build/tensorstage
#
# For each scene, in one run:
#   record        tensorstage record SCENE --preset PRESET: frames per second
#                 exported (the app's own summary line: from ffmpeg's start to
#                 its end, without scene start-up);
#   ffmpeg alone  the real ffmpeg with the exact command line record used,
#                 encoding the exact raw frames record piped to it (both
#                 captured once through a stand-in ffmpeg on PATH), timed from
#                 launch to exit;
#   render only   record with a stand-in ffmpeg that discards the frames:
#                 the rate of rendering, reading back and piping, no encoding;
#   peak RSS      GNU time's maximum resident set size (record: the larger of
#                 tensorstage and ffmpeg; render only: tensorstage alone).
# Each is run RUNS times, interleaved so a change in the machine's load hits
# all three alike, and the medians are printed, with record as % of ffmpeg
# alone. The raw frames take FRAMES x W x H x 4 bytes in a temporary folder
# (300 frames at 1080p: 2.5 GB), removed at the end.
set -euo pipefail
size=${SIZE:-1920x1080} fps=${FPS:-60} preset=${PRESET:-veryfast} frames=${FRAMES:-300} runs=${RUNS:-3}
scenes=("$@")
[ ${#scenes[@]} -gt 0 ] || scenes=(calibration cnn)
bin=$(realpath "${TS_BIN:-$(dirname "$0")/../build/tensorstage}")
ffmpeg=$(command -v ffmpeg) || { echo "bench_record.sh: needs ffmpeg" >&2; exit 2; }
gnu_time=
if /usr/bin/time -f %M true >/dev/null 2>&1; then gnu_time=/usr/bin/time; fi
tmp=$(mktemp -d /tmp/ts-bench-record-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
export SDL_VIDEODRIVER=${SDL_VIDEODRIVER:-offscreen}

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
# timed MIB_FILE CMD...: runs CMD; appends its peak RSS in MiB to MIB_FILE ("-" without GNU time)
timed() {
  local out=$1; shift
  if [ -z "$gnu_time" ]; then "$@"; echo - >> "$out"; return; fi
  "$gnu_time" -f %M -o "$tmp/rss" "$@"
  awk '{ printf "%.0f\n", $1 / 1024 }' "$tmp/rss" >> "$out"
}
# record MIB_FILE [ENV...]: one record of the scene; prints its frames/s exported
record() {
  local mib=$1; shift
  rm -f "$tmp/v.mp4"
  timed "$mib" env "$@" "$bin" record "$scene" --out "$tmp/v.mp4" --size "$size" --fps "$fps" \
    --preset "$preset" --frames "$frames" 2> "$tmp/log" || { cat "$tmp/log" >&2; exit 1; }
  sed -n 's/.* \([0-9.]*\) frames\/s exported.*/\1/p' "$tmp/log" | tail -1
}

printf 'tensorstage record at %s, %s fps, x264 %s, %s frames from the start of each story, median of %s\n' \
  "$size" "$fps" "$preset" "$frames" "$runs"
printf 'machine: %s CPUs, load %s; GL: %s\n\n' "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)" \
  "$("$bin" bench calibration --size 64x64 --frames 1 | sed -n 's/.* on \(.*\)$/\1/p')"
printf '%-12s %10s %12s %8s %12s %12s %12s %12s\n' scene 'record fps' 'ffmpeg fps' record/ \
  'render fps' 'record MiB' 'render MiB' 'ffmpeg MiB'
printf '%-12s %10s %12s %8s %12s %12s %12s %12s\n' '' '' alone ffmpeg only peak peak peak
for scene in "${scenes[@]}"; do
  record /dev/null "PATH=$tmp/bin:$PATH" BENCH_SHIM=capture > /dev/null
  mapfile -t args < "$tmp/args"
  args[${#args[@]}-1]=$tmp/alone.mp4
  for f in rec null alone rec_mb null_mb alone_mb; do : > "$tmp/$f"; done
  for ((r = 0; r < runs; r++)); do
    record "$tmp/rec_mb" >> "$tmp/rec"
    record "$tmp/null_mb" "PATH=$tmp/bin:$PATH" BENCH_SHIM=null >> "$tmp/null"
    a=$(date +%s.%N)
    timed "$tmp/alone_mb" "$ffmpeg" "${args[@]}" < "$tmp/raw"
    b=$(date +%s.%N)
    awk -v n="$frames" -v a="$a" -v b="$b" 'BEGIN { printf "%.1f\n", n / (b - a) }' >> "$tmp/alone"
  done
  rm -f "$tmp/raw"
  rec=$(median < "$tmp/rec") alone=$(median < "$tmp/alone")
  printf '%-12s %10s %12s %7.0f%% %12s %12s %12s %12s\n' "$scene" "$rec" "$alone" \
    "$(awk -v r="$rec" -v a="$alone" 'BEGIN { print 100 * r / a }')" "$(median < "$tmp/null")" \
    "$(median < "$tmp/rec_mb")" "$(median < "$tmp/null_mb")" "$(median < "$tmp/alone_mb")"
done
