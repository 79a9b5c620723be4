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
# a missing encoder is found by asking ffmpeg (-encoders), before any frame
mkdir "$T/bin"
printf '#!/bin/sh\necho " V....D libx264   libx264 H.264"\n' > "$T/bin/ffmpeg"; chmod +x "$T/bin/ffmpeg"
PREFIX=(env "PATH=$T/bin:$PATH")
bad 2 "this ffmpeg has no libvpx-vp9 encoder" record calibration --out "$T/bin/v.webm"
PREFIX=(env)
rm -rf "$T/bin"

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
