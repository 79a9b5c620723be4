#!/usr/bin/env bash
# test_badinput.sh: the hostile inputs of issue #16, as a table. Each case
# asserts the exit code (2 for the user's mistake, 1 for a runtime failure),
# exactly one line on stderr matching a pattern, and that every file that
# existed before the run is byte-identical afterwards (and nothing was added).
# Cases that run under a time limit fail if the app blocks (a FIFO input).
set -u
TS=${TS_BIN:?run through ctest}
T=$(mktemp -d /tmp/ts-bad-XXXXXX)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
PREFIX=(env)

snapshot() { (cd "$T" && find . -print | LC_ALL=C sort && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum); }

# bad CODE PATTERN ARGS... : exit CODE, one stderr line matching PATTERN, $T unchanged
bad() {
  local code=$1 pat=$2; shift 2
  local before after err rc lines
  before=$(snapshot)
  err=$(timeout 60 "${PREFIX[@]}" "$TS" "$@" 2>&1 >/dev/null); rc=$?
  after=$(snapshot)
  lines=$(printf '%s' "$err" | awk 'END { print NR }')
  if [ "$rc" -ne "$code" ]; then
    fail=$((fail + 1)); echo "FAIL: tensorstage $* -> exit $rc (wanted $code): $err"
  elif [ "$lines" -ne 1 ]; then
    fail=$((fail + 1)); echo "FAIL: tensorstage $* -> $lines lines on stderr (wanted 1): $err"
  elif ! grep -qE -- "$pat" <<<"$err"; then
    fail=$((fail + 1)); echo "FAIL: tensorstage $* -> '$err' does not match /$pat/"
  elif [ "$before" != "$after" ]; then
    fail=$((fail + 1)); echo "FAIL: tensorstage $* changed files:"; diff <(echo "$before") <(echo "$after") | head -5
  else
    pass=$((pass + 1))
  fi
}
ok() {  # ok DESCRIPTION COMMAND...
  local what=$1; shift
  if "$@" >/dev/null 2>&1; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $what"; fi
}

printf '[scene]\nkind = calibration\ntitle = t\n' > "$T/good.scene"
mkdir "$T/out"
echo precious > "$T/out/keep.json"
echo precious > "$T/out/keep.mp4"
echo frame > "$T/out/frame-00002.png"
touch "$T/afile"

# command lines
bad 2 "unknown option '--bogus'" --bogus
bad 2 "render needs --out" render calibration
bad 2 -- "--size must be WxH" render calibration --out "$T/n" --size 99999x99999
bad 2 -- "--frames must be 1..1000000" render calibration --out "$T/n" --frames 0
bad 2 -- "--fps must be 1..120, got '1 2'" render calibration --out "$T/n" --fps $'1\n2'
# exports go up to 4K UHD (either way up) and 120 fps: the limits pass the
# command line (the unknown scene is what is refused), one more does not
bad 2 -- "--size must be WxH, each side 16..3840, at most 3840x2160 pixels in all, got '3841x2160'" \
  render calibration --out "$T/n" --size 3841x2160
bad 2 -- "--size must be WxH, each side 16..3840, at most 3840x2160 pixels in all, got '3840x2161'" \
  record calibration --out "$T/n.mp4" --size 3840x2161
bad 2 -- "--fps must be 1..120, got '121'" record calibration --out "$T/n.mp4" --fps 121
bad 2 "unknown scene 'nosuch'" record nosuch --out "$T/n.mp4" --size 3840x2160 --fps 120
bad 2 "unknown scene 'nosuch'" render nosuch --out "$T/n" --size 2160x3840
bad 2 "unknown scene '.*\.\.\..*x'" render "$(printf 'x%.0s' {1..3000})" --out "$T/n"
bad 2 "unknown scene 'a b'" dump $'a\nb' --out "$T/n.json"

# outputs: every name checked before any work, the user's mistake is exit 2
bad 2 "frame-00002.png: already exists" render calibration --out "$T/out" --size 64x64 --frames 4
bad 2 "does not exist" render calibration --out "$T/missing/deeper" --frames 1
bad 2 "exists and is not a folder" render calibration --out "$T/afile" --frames 1
bad 2 "keep.json: already exists" dump calibration --out "$T/out/keep.json"
bad 2 "does not exist" dump calibration --out "$T/missing/d.json"
bad 2 "is a folder" dump calibration --out "$T/out" --force
bad 2 "keep.mp4: already exists" record calibration --out "$T/out/keep.mp4"
bad 2 "does not exist" record calibration --out "$T/missing/v.mp4"
bad 2 "record writes .mp4, .webm, .gif or .mov" record calibration --out "$T/out/v.avi"
mkdir -p "$T/nobin"; ln -s "$(command -v dirname)" "$T/nobin/dirname"
PREFIX=(env PATH="$T/nobin")
bad 1 "needs ffmpeg.*render" record calibration --out "$T/out/v.mp4"
PREFIX=(env)
if [ "$(id -u)" -ne 0 ]; then   # root may write anywhere
  mkdir "$T/ro"; chmod 555 "$T/ro"
  bad 2 "cannot write in folder" dump calibration --out "$T/ro/d.json"
  bad 2 "cannot write in folder" record calibration --out "$T/ro/v.mp4"
  bad 2 "cannot write in folder" render calibration --out "$T/ro" --frames 1
fi

# presets and what they name
printf '[scene]\nkind = calibration\ntitle = t\n[card]\ngrid = 100\n  200\n' > "$T/multi.scene"
bad 2 "multi.scene:5: grid must be a whole number 60..240, got '100 200'" check "$T/multi.scene"
printf '[scene]\nkind = calibration\ntitle = t\n[card\ngrid = 100\n' > "$T/header.scene"
bad 2 "header.scene:4: section header has no closing" check "$T/header.scene"
printf '[scene]\nkind = calibration\ntitle = t\n[card]\ngrid = 1\0\n' > "$T/binary.scene"
bad 2 "binary.scene:5: binary data" check "$T/binary.scene"
mkfifo "$T/fifo.scene" "$T/fifo.png" "$T/fifo.deck"
bad 2 "fifo.scene: is not a regular file" check "$T/fifo.scene"
bad 2 "fifo.deck: is not a regular file" render "$T/fifo.deck" --out "$T/n"
printf '[scene]\nkind = cnn\ntitle = t\n[input]\nimage = fifo.png\n' > "$T/fifoimg.scene"
bad 2 "fifoimg.scene:5: image: .*fifo.png: is not a regular file" check "$T/fifoimg.scene"
# an image error is FILE:LINE of its key; one from --set names the override
printf 'not a png' > "$T/bad.png"
printf '[scene]\nkind = cnn\ntitle = t\n[input]\nimage = bad.png\n' > "$T/badimg.scene"
bad 2 "badimg.scene:5: image: .*bad.png: cannot read PNG" check "$T/badimg.scene"
bad 2 "^--set input.image=$T/bad.png: image: .*bad.png: cannot read PNG" check "$TS_SRC/scenes/cnn.scene" --set "input.image=$T/bad.png"
bad 2 "^--set input.image=$T/bad.png: image: .*bad.png: cannot read PNG" dump cnn --set "input.image=$T/bad.png" --out "$T/out/img.json"
cp "$TS_SRC/tests/fixtures/huge-header.png" "$T/huge.png"
printf '[scene]\nkind = cnn\ntitle = t\n[input]\nimage = huge.png\n' > "$T/huge.scene"
bad 2 "32768x32768; at most 4096x4096" check "$T/huge.scene"
bad 2 "is a folder" check "$T/out/"
long="$T/$(printf 'd%.0s' {1..200})/$(printf 'e%.0s' {1..200})/$(printf 'f%.0s' {1..200})"
bad 2 "^\.\.\..*/x\.scene: cannot open: No such file" check "$long/x.scene"

# keys are checked once all are read, whatever their order
printf '[scene]\nkind = attention\ntitle = t\n[attention]\nsentence = 3 1 4 1 5 9 2 6\nmodel = trained\n' > "$T/order1.scene"
printf '[scene]\nkind = attention\ntitle = t\n[attention]\nmodel = trained\nsentence = 3 1 4 1 5 9 2 6\n' > "$T/order2.scene"
ok "sentence before model is accepted" "$TS" check "$T/order1.scene"
ok "model before sentence is accepted" "$TS" check "$T/order2.scene"
printf '[scene]\nkind = attention\ntitle = t\n[attention]\nsentence = 3 1 4 1 5 9 2 6\nmodel = readable\n' > "$T/order3.scene"
bad 2 "order3.scene:5: " check "$T/order3.scene"

# the data folder
mkdir "$T/emptydata"
PREFIX=(env TENSORSTAGE_DATA="$T/emptydata")
bad 2 "TENSORSTAGE_DATA=.*has no shaders/" list
bad 2 "TENSORSTAGE_DATA=.*has no shaders/" dump calibration --out "$T/out/x.json"
PREFIX=(env)

# trained weights (safetensors): a data folder whose one weight file is broken
mkdir -p "$T/data/assets"
ln -s "$TS_SRC/shaders" "$TS_SRC/scenes" "$T/data/"
PREFIX=(env TENSORSTAGE_DATA="$T/data")
weights() {  # weights SCENE FILE PATTERN: FILE in $T/data/assets is broken (made by the caller)
  bad 2 "$3" dump "$1" --out "$T/out/w.json"
  rm -f "$T/data/assets/$2"
  cp "$TS_SRC/assets/$2" "$T/data/assets/$2"
}
cp "$TS_SRC"/assets/*.safetensors "$T/data/assets/"
ok "the copied data folder works" "${PREFIX[@]}" "$TS" check "$TS_SRC/scenes/cnn.scene"
f=cnn-weights.safetensors; head -c 30000 "$TS_SRC/assets/$f" > "$T/data/assets/$f"
weights cnn $f "assets/$f: truncated: tensor 'fc.weight' ends at data byte"
f=moe-weights.safetensors; : > "$T/data/assets/$f"
weights moe $f "assets/$f: truncated: 0 bytes"
f=lstm-memory.safetensors; { printf '\377\377\377\377\377\377\377\177'; tail -c +9 "$TS_SRC/assets/$f"; } > "$T/data/assets/$f"
weights lstm $f "assets/$f: header length .* is over the 100 MB limit"
edit() {  # edit FILE SED-SCRIPT: FILE with its header (after the 8-byte length) edited
  { head -c 8 "$TS_SRC/assets/$1"; tail -c +9 "$TS_SRC/assets/$1" | sed "$2"; } > "$T/data/assets/$1"
}
f=diffusion-digits.safetensors; edit $f '1s/"F32"/"F16"/'
weights diffusion $f "assets/$f: tensor 'denoiser.0.weight' has dtype F16; only F32 is read"
f=attention-reverse.safetensors; edit $f '1s/"shape":\[16,16\]/"shape":\[16,17\]/'
weights "$TS_SRC/scenes/attention-trained.scene" $f "assets/$f: tensor '.*': shape holds 272 floats"
f=cnn-weights.safetensors; edit $f '1s/:/;/'
weights cnn $f "assets/$f: header is not valid JSON \\(at header byte [0-9]+\\)"
f=moe-weights.safetensors; rm "$T/data/assets/$f"; mkfifo "$T/data/assets/$f"
weights moe $f "assets/$f: is not a regular file"
f=lstm-memory.safetensors; rm "$T/data/assets/$f"
weights lstm $f "assets/$f: cannot open: No such file"
f=vit.safetensors; edit $f '1s/"F32"/"F16"/'
weights vit $f "assets/$f: tensor '.*' has dtype F16; only F32 is read"
f=vit.safetensors; rm "$T/data/assets/$f"
weights vit $f "assets/$f: cannot open: No such file"
# list opens no scene: with every weight file gone it still lists the deck; check opens them all
rm "$T/data/assets/"*
ok "list reads no weights" bash -c "env TENSORSTAGE_DATA='$T/data' '$TS' list | grep -q 'lecture.deck .*(deck, [0-9]* entries)'"
bad 2 "lecture.deck:[0-9]+: .*cnn-weights.safetensors: cannot open" check "$T/data/scenes/lecture.deck"
cp "$TS_SRC"/assets/*.safetensors "$T/data/assets/"
PREFIX=(env)

# writes leave no temporary; a dead process's temporary is swept, a live one's is not
ok "dump --force replaces the file" "$TS" dump calibration --out "$T/out/keep.json" --force
ok "no temporary is left" bash -c "! ls -A '$T/out' | grep -q tensorstage-part"
host=$(uname -n) h=2166136261   # the machine tag of fileio.c: FNV-1a of the host name
for ((i = 0; i < ${#host}; i++)); do
  h=$(( ((h ^ $(printf '%d' "'${host:i:1}")) * 16777619) & 0xFFFFFFFF ))
done
tag=$(printf 'h%08x-' "$h")
sleep 0 & dead=$!; wait $dead
touch "$T/out/.v.mp4.$tag$dead.tensorstage-part" "$T/out/.w.mp4.$tag$$.tensorstage-part" \
      "$T/out/.x.mp4.h00000000-$dead.tensorstage-part"
ok "a dump into the folder succeeds" "$TS" dump calibration --out "$T/out/y.json"
ok "the dead process's temporary is gone" test ! -e "$T/out/.v.mp4.$tag$dead.tensorstage-part"
ok "a live process's temporary stays" test -e "$T/out/.w.mp4.$tag$$.tensorstage-part"
ok "another machine's temporary stays" test -e "$T/out/.x.mp4.h00000000-$dead.tensorstage-part"

# ffmpeg's own failure: its last message, in our one line, and no video
mkdir -p "$T/fakebin"
# (it lists libx264 when asked, so record's encoder check lets it start)
printf '#!/bin/sh\nfor a; do [ "$a" = -encoders ] && { echo " V....D libx264 H.264"; exit 0; }; done\necho "first line" >&2\necho "Unknown encoder libx264" >&2\nexit 1\n' > "$T/fakebin/ffmpeg"
chmod +x "$T/fakebin/ffmpeg"
PREFIX=(env PATH="$T/fakebin:$PATH")
bad 1 "ffmpeg failed \(exit 1\) writing .*v.mp4: Unknown encoder libx264; nothing was written" \
  record calibration --out "$T/out/v.mp4" --size 64x64 --frames 3
PREFIX=(env)

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
