#!/usr/bin/env bash
# test_video.sh: record's formats and the export options of issue #15.
# Every format is written small (160x90, a few frames) and checked with
# ffprobe: codec, size, frame count, pixel format, alpha where promised.
# Bad combinations exit 2 with one line before any frame; --still, --beats,
# --from/--to and --subtitles are checked for what they write.
set -u
TS=${TS_BIN:?run through ctest}
T=$(mktemp -d /tmp/ts-video-XXXXXX)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
PREFIX=(env)
check() {  # check DESCRIPTION WANTED GOT
  if [ "$2" = "$3" ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $1: wanted '$2', got '$3'"; fi
}
# bad CODE PATTERN ARGS...: exit CODE, exactly one stderr line matching PATTERN, nothing written
bad() {
  local code=$1 pat=$2; shift 2
  local err rc before after
  before=$(ls -A "$T")
  err=$("${PREFIX[@]}" "$TS" "$@" 2>&1 >/dev/null); rc=$?
  after=$(ls -A "$T")
  if [ "$rc" -eq "$code" ] && [ "$(printf '%s' "$err" | awk 'END { print NR }')" -eq 1 ] &&
     grep -qE -- "$pat" <<<"$err" && [ "$before" = "$after" ]; then pass=$((pass + 1))
  else fail=$((fail + 1)); echo "FAIL: tensorstage $* -> exit $rc, '$err' (wanted $code, /$pat/, nothing written)"; fi
}
probe() {  # codec,width,height,pix_fmt,frames of the first video stream
  ffprobe -v error -select_streams v:0 -count_frames \
    -show_entries stream=codec_name,width,height,pix_fmt,nb_read_frames -of csv=p=0 "$1"
}
SMALL=(--size 160x90 --fps 10)

# ---- bad input: one line, exit 2, no frame rendered ------------------------
bad 2 "record writes .mp4, .webm, .gif or .mov" record calibration --out "$T/v.avi"
bad 2 "--transparent needs a format with alpha: MP4" record calibration --out "$T/v.mp4" --transparent
bad 2 "--transparent needs a format with alpha: GIF" record calibration --out "$T/v.gif" --transparent
bad 2 "--crf and --preset are x264 settings" record calibration --out "$T/v.webm" --crf 20
bad 2 "--quality lossless: GIF cannot be lossless" record calibration --out "$T/v.gif" --quality lossless
bad 2 "--quality must be low, medium, high or lossless" record calibration --out "$T/v.mp4" --quality best
bad 2 "--crf must be 0..51" record calibration --out "$T/v.mp4" --crf 52
bad 2 "--preset must be an x264 preset" record calibration --out "$T/v.mp4" --preset warp
bad 2 "needs an even --size" record calibration --out "$T/v.mp4" --size 161x90
bad 2 "--beats must be within 1..6 for calibration, got 5-7" record calibration --out "$T/v.mp4" --beats 5-7
bad 2 "--beats must be A-B" render calibration --out "$T/r" --beats 3-2
bad 2 "--from/--to must satisfy" record calibration --out "$T/v.mp4" --from 2 --to 1
bad 2 "--from/--to must satisfy" render calibration --out "$T/r" --to 99999
bad 2 "--beat and --beats" render calibration --out "$T/r" --beat 1 --beats 2
bad 2 "render writes a folder of frames; for one picture use --still" render calibration --out "$T/x.png"
bad 2 "--still writes one PNG" render calibration --still --out "$T/x"
bad 2 "--still goes with render" record calibration --still --out "$T/v.mp4"
bad 2 "--subtitles goes with record" render calibration --subtitles --out "$T/r"
bad 2 "--quality, --crf and --preset go with record" render calibration --quality low --out "$T/r"
# A stand-in ffmpeg (in $T/bin, first on PATH when asked for): it logs each
# call to $T/bin/calls, lists only the encoder $FAKE_ENC when asked, and
# otherwise reads the frames and leaves an empty video; with $FAKE_HOLD set it
# then writes $FAKE_HOLD.started and waits for $FAKE_HOLD.go before exiting.
mkdir "$T/bin"
cat > "$T/bin/ffmpeg" <<'EOF'
#!/bin/sh
echo "$*" >> "${0%/*}/calls"
for a; do [ "$a" = -encoders ] && { echo " V....D ${FAKE_ENC:-libx264}   the encoder"; exit 0; }; done
cat > /dev/null
if [ -n "${FAKE_HOLD:-}" ]; then
  : > "$FAKE_HOLD.started"
  while [ ! -e "$FAKE_HOLD.go" ]; do sleep 0.05; done
fi
for a; do out=$a; done
: > "$out"
EOF
chmod +x "$T/bin/ffmpeg"
FAKE=(env "PATH=$T/bin:$PATH")
# a missing encoder is found by asking ffmpeg (-encoders), before any frame:
# the stand-in is asked that and nothing else
for c in "libx264 v.webm libvpx-vp9" "libvpx-vp9 v.mp4 libx264" "libx264 v.mov prores_ks" "libx264 v.gif gif"; do
  set -- $c
  rm -f "$T/bin/calls"
  PREFIX=("${FAKE[@]}" "FAKE_ENC=$1")
  bad 2 "this ffmpeg has no $3 encoder" record calibration --out "$T/$2"
  check "only -encoders asked before refusing $2" "-hide_banner -nostdin -encoders" "$(cat "$T/bin/calls")"
done
PREFIX=(env)

# ---- every format, checked with ffprobe (beat 2 of calibration: 3 s = 31 frames)
"$TS" record calibration --out "$T/v.mp4" "${SMALL[@]}" --beats 2 2>/dev/null
check "mp4" "h264,160,90,yuv420p,31" "$(probe "$T/v.mp4")"
"$TS" record calibration --out "$T/v.webm" "${SMALL[@]}" --beats 2 --quality low 2>/dev/null
check "webm" "vp9,160,90,yuv420p,31" "$(probe "$T/v.webm")"
"$TS" record calibration --out "$T/v.gif" "${SMALL[@]}" --beats 2 2>/dev/null
check "gif" "gif,160,90,bgra,31" "$(probe "$T/v.gif")"
"$TS" record calibration --out "$T/v.mov" "${SMALL[@]}" --beats 2 2>/dev/null
check "mov" "prores,160,90,yuv444p12le,31" "$(probe "$T/v.mov")"
"$TS" record calibration --out "$T/a.mov" "${SMALL[@]}" --beats 2 --frames 2 --transparent 2>/dev/null
check "mov --transparent keeps alpha" "prores,160,90,yuva444p12le,2" "$(probe "$T/a.mov")"
# the background is see-through and the caption bar is not (first frame's alpha plane)
ffmpeg -v error -i "$T/a.mov" -frames:v 1 -vf "alphaextract,format=gray" -f rawvideo - > "$T/alpha.raw"
check "mov alpha: corner clear" "0" "$(od -An -tu1 -j$((160 * 37 + 2)) -N1 "$T/alpha.raw" | tr -d ' ')"
check "mov alpha: caption bar opaque" "255" "$(od -An -tu1 -j$((160 * 88 + 80)) -N1 "$T/alpha.raw" | tr -d ' ')"
"$TS" record calibration --out "$T/x.mp4" "${SMALL[@]}" --beats 1 --crf 30 --preset ultrafast 2>/dev/null
check "mp4 with --crf/--preset" "h264,160,90,yuv420p,31" "$(probe "$T/x.mp4")"
"$TS" record calibration --out "$T/l.mp4" "${SMALL[@]}" --frames 2 --quality lossless 2>/dev/null
check "mp4 lossless is 4:4:4" "h264,160,90,yuv444p,2" "$(probe "$T/l.mp4")"
check "no temporaries left" "" "$(ls -A "$T" | grep tensorstage-part)"

# ---- ranges --------------------------------------------------------------
"$TS" render calibration --out "$T/r" "${SMALL[@]}" --from 1 --to 2.5 2>/dev/null
check "--from 1 --to 2.5 at 10 fps" "16" "$(ls "$T/r" | wc -l)"
"$TS" render calibration --out "$T/b" "${SMALL[@]}" --beats 2-3 2>/dev/null
check "--beats 2-3: 3 s + 4 s + the settled frame" "71" "$(ls "$T/b" | wc -l)"
# the range's last frame is the settled end of beat 3, as --still draws it
"$TS" render calibration --still --beat 3 --out "$T/s.png" "${SMALL[@]}" 2>/dev/null
check "--still is one 160x90 PNG" "PNG image data, 160 x 90, 8-bit/color RGBA, non-interlaced" \
  "$(file -b "$T/s.png")"
check "--beats 2-3 ends on the --still picture" "$(sha256sum < "$T/s.png")" "$(sha256sum < "$T/b/frame-00070.png")"
"$TS" render calibration --still --out "$T/t.png" "${SMALL[@]}" --transparent 2>/dev/null
ffmpeg -v error -i "$T/t.png" -vf "alphaextract,format=gray" -f rawvideo - > "$T/talpha.raw"
check "--transparent PNG: background clear" "0" "$(od -An -tu1 -j$((160 * 37 + 2)) -N1 "$T/talpha.raw" | tr -d ' ')"

# ---- subtitles: one cue per beat, switching where the picture does --------
"$TS" record calibration --out "$T/s.mp4" "${SMALL[@]}" --beats 2-3 --subtitles 2>/dev/null
check "srt cues" "00:00:00,000 --> 00:00:03,000|00:00:03,000 --> 00:00:07,100" \
  "$(grep -- '-->' "$T/s.srt" | paste -sd'|')"
check "vtt header and cues" "WEBVTT|00:00:00.000 --> 00:00:03.000|00:00:03.000 --> 00:00:07.100" \
  "$(grep -E -- '-->|WEBVTT' "$T/s.vtt" | paste -sd'|')"
check "srt cue 2 is beat 3's caption" "1" "$(grep -c '^A window slides' "$T/s.srt")"
rm "$T/s.mp4"   # a subtitle file in the way is refused before any frame, like the video
bad 2 "s.srt: already exists" record calibration --out "$T/s.mp4" --subtitles "${SMALL[@]}" --frames 1

# subtitles land with the video or not at all: a subtitle that cannot be
# written (no room: a file size limit of 0) leaves no video either ...
PREFIX=(bash -c 'ulimit -f 0; trap "" XFSZ; exec "$@"' limit "${FAKE[@]}")
bad 1 "u.srt: write failed: File too large; nothing was written" \
  record calibration --out "$T/u.mp4" --subtitles "${SMALL[@]}" --frames 3
PREFIX=(env)
# ... and one that cannot be renamed into place (a folder appeared there while
# recording) takes back the video and the other subtitle already renamed
FAKE_HOLD=$T/bin/hold "${FAKE[@]}" "$TS" record calibration --out "$T/u.mp4" --subtitles "${SMALL[@]}" \
  --frames 3 2> "$T/bin/err" &
pid=$!
for ((i = 0; i < 1200; i++)); do [ -e "$T/bin/hold.started" ] && break; sleep 0.05; done
mkdir "$T/u.vtt"; touch "$T/bin/hold.go"
wait $pid; rc=$?
check "a subtitle whose name became a folder: exit 2" "2" "$rc"
check "... one line saying so" "tensorstage: $T/u.vtt: a folder appeared at this name during the run; nothing was written" \
  "$(cat "$T/bin/err")"
check "... and nothing else under a final name, no temporary" "u.vtt" "$(ls -A "$T" | grep '^u\.\|^\.u\.')"
rmdir "$T/u.vtt"

# ---- progress: a live line on a terminal, only the summary in a log --------
err=$("$TS" record calibration --out "$T/p.mp4" "${SMALL[@]}" --beats 2 2>&1 >/dev/null)
check "record in a log: one summary line" "1 recorded 31 frames at 160x90, 10 fps" \
  "$(printf '%s\n' "$err" | awk '{ s = $0 } END { print NR, s }' | cut -d' ' -f1-8)"
if command -v script >/dev/null; then
  script -qec "'$TS' record calibration --out '$T/q.mp4' ${SMALL[*]} --beats 2" /dev/null > "$T/tty.txt"
  check "record on a terminal: the progress line reaches the last frame" "1" \
    "$(tr '\r' '\n' < "$T/tty.txt" | grep -c '^recording calibration: frame 31/31 .* fps .* s left')"
  check "... then the summary" "1" "$(grep -c '^recorded 31 frames' "$T/tty.txt")"
  script -qec "'$TS' render calibration --out '$T/pr' ${SMALL[*]} --frames 5" /dev/null > "$T/tty.txt"
  check "render on a terminal: the same progress line" "1" \
    "$(tr '\r' '\n' < "$T/tty.txt" | grep -c '^rendering calibration: frame 5/5 .* fps .* s left')"
else
  echo "note: no 'script' here to give record a terminal; its progress line is not checked"
fi

# ---- a deck is exported whole: its entries' own beats, no --beats/--from/--to
printf '[deck]\ntitle = one\n\n[entry]\nscene = calibration\nbeats = 2-3\n' > "$T/one.deck"
bad 2 "^tensorstage: --beats, --from and --to go with a scene, not a deck: a deck is exported whole" \
  record "$T/one.deck" --out "$T/d.mp4" --beats 1
bad 2 "--beats, --from and --to go with a scene, not a deck" record "$TS_SRC/scenes/lecture.deck" --out "$T/d.mp4" --to 3
bad 2 "--beats, --from and --to go with a scene, not a deck" render "$TS_SRC/scenes/lecture.deck" --out "$T/d" --from 1
bad 2 "--beat goes with a scene, not a deck" render "$T/one.deck" --out "$T/d" --beat 1
"$TS" record "$T/one.deck" --out "$T/d.mp4" "${SMALL[@]}" 2>/dev/null
check "a deck of calibration's beats 2-3: 3 s + 4 s + the settled frame" "h264,160,90,yuv420p,71" "$(probe "$T/d.mp4")"

# ---- --set SECTION.KEY=VALUE: checked by the scene's set, like the preset file
bad 2 "^--set card.grid=0: grid must be 60..240, got 0$" dump calibration --set card.grid=0 --out "$T/d.json"
bad 2 "^--set card.nokey=1: unknown key 'nokey' in \[card\]$" render calibration --set card.nokey=1 --out "$T/r2"
bad 2 "^--set cardgrid: expected SECTION.KEY=VALUE$" record calibration --set cardgrid --out "$T/v2.mp4"
bad 2 "^--set card.grid=999: grid must be" check "$TS_SRC/scenes/calibration.scene" --set card.grid=999
bad 2 "^--set scene.kind=cnn: \[scene\] takes only title" dump calibration --set scene.kind=cnn --out "$T/d.json"
"$TS" dump calibration --set card.grid=60 --out "$T/d60.json" 2>/dev/null
"$TS" dump "$TS_SRC/scenes/calibration.scene" --set card.grid=90 --out "$T/d90.json" 2>/dev/null
check "--set reaches the scene" '"grid":60' "$(grep -o '"grid":[0-9]*' "$T/d60.json")"
check "--set wins over the preset's key" '"grid":90' "$(grep -o '"grid":[0-9]*' "$T/d90.json")"

echo "test_video: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
