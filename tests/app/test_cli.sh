#!/usr/bin/env bash
# test_cli.sh: the command-line contract. Bad usage and bad input exit 2 with
# one located line on stderr; outputs are never overwritten without --force.
set -u
TS=${TS_BIN:?run through ctest}
T=$(mktemp -d /tmp/ts-cli-XXXXXX)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
PREFIX=(env)   # what runs before the executable (to change its environment)

# expect CODE PATTERN ARGS... : exit code CODE and stderr matching PATTERN
expect() {
  local code=$1 pat=$2; shift 2
  local err rc
  err=$("${PREFIX[@]}" "$TS" "$@" 2>&1 >/dev/null); rc=$?
  if [ "$rc" -eq "$code" ] && grep -qE -- "$pat" <<<"$err"; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1)); echo "FAIL: tensorstage $* -> exit $rc, stderr: $err (wanted $code, /$pat/)"
  fi
}
ok() {  # ok DESCRIPTION COMMAND...
  local what=$1; shift
  if "$@" >/dev/null 2>&1; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $what"; fi
}

expect 0 '' --version
ok "--help names every command" bash -c "'$TS' --help | grep -q 'render SCENE' && '$TS' --help | grep -q 'bench SCENE'"
ok "list names calibration" bash -c "'$TS' list | grep -q '^calibration'"
ok "list names the calibration preset" bash -c "'$TS' list | grep -q 'scenes/calibration.scene'"
ok "list names the example deck" bash -c "'$TS' list | grep -q 'scenes/lecture.deck .*(deck, [0-9]* entries)'"

expect 2 "unknown option '--bogus'" --bogus
expect 2 "render needs a SCENE" render
expect 2 "render needs --out" render calibration
expect 2 "unknown scene 'nosuch'" render nosuch --out "$T/x"
expect 2 -- "--size must be WxH" render calibration --out "$T/x" --size 12x9
expect 2 -- "--size must be WxH" render calibration --out "$T/x" --size banana
expect 2 -- "--fps must be 1..120" render calibration --out "$T/x" --fps 0
expect 2 -- "--fps needs a value" render calibration --out "$T/x" --fps
expect 2 -- "--beat must be 1..6 for calibration" render calibration --out "$T/x" --beat 9
expect 2 -- "--beat must be a beat number" dump calibration --out "$T/x.json" --beat -1
expect 2 "unexpected argument 'extra'" dump calibration extra --out "$T/x.json"
expect 2 "bench takes no --out" bench calibration --out "$T/x"
expect 2 "record writes .mp4, .webm, .gif or .mov" record calibration --out "$T/x.avi"
expect 2 "check needs at least one" check

# bad presets: FILE:LINE: message
printf '[scene]\nkind = calibration\ntitle = t\n[card]\ngrid = 0\n' > "$T/bad.scene"
expect 2 "bad.scene:5: grid must be 60..240, got 0" check "$T/bad.scene"
expect 2 "bad.scene:5: grid must be 60..240" render "$T/bad.scene" --out "$T/r"
ok "a failed render leaves no folder" test ! -e "$T/r/frame-00000.png"
printf '[scene]\nkind = calibration\ntitle = t\n' > "$T/good.scene"
expect 2 "bad.scene:5" check "$T/good.scene" "$T/bad.scene"
ok "check passes the shipped presets" "$TS" check "$TS_SRC"/scenes/*.scene

# --force is honoured: dump
"$TS" dump calibration --out "$T/d.json" 2>/dev/null
ok "dump writes JSON with the contract's keys" grep -q '"tensors"' "$T/d.json"
echo precious > "$T/keep.json"
expect 2 "already exists \(use --force" dump calibration --out "$T/keep.json"
ok "the existing file is untouched" grep -qx precious "$T/keep.json"
ok "--force overwrites" "$TS" dump calibration --out "$T/keep.json" --force
ok "and the result is a dump" grep -q '"scene":"calibration"\|"scene": "calibration"' "$T/keep.json"

# --force is honoured: render
ok "render one frame" "$TS" render calibration --out "$T/frames" --size 320x180 --frames 1
expect 2 "frame-00000.png: already exists" render calibration --out "$T/frames" --size 320x180 --frames 1
ok "render --force" "$TS" render calibration --out "$T/frames" --size 320x180 --frames 1 --force
touch "$T/afile"
expect 2 "exists and is not a folder" render calibration --out "$T/afile" --frames 1

# record without ffmpeg says so and suggests render; with it, writes via a temp file
mkdir -p "$T/nobin"
ln -s "$(command -v dirname)" "$T/nobin/dirname"
PREFIX=(env PATH="$T/nobin")
expect 1 "needs ffmpeg.*render" record calibration --out "$T/v.mp4"
PREFIX=(env)
ok "no partial video" test ! -e "$T/v.mp4"
if command -v ffmpeg >/dev/null; then
  ok "record writes an MP4" "$TS" record calibration --out "$T/v.mp4" --size 320x180 --fps 10
  ok "the MP4 is a video" bash -c "ffprobe -v error -show_entries stream=codec_name -of csv=p=0 '$T/v.mp4' | grep -q h264"
  ok "no temporary files left" bash -c "! ls '$T' | grep -q part"
  expect 2 "v.mp4: already exists" record calibration --out "$T/v.mp4" --size 320x180
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
