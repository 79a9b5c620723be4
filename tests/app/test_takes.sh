#!/usr/bin/env bash
# test_takes.sh: take files (src/app/take.h) on the command line. A small
# take written by hand is checked, recorded (ffprobe: size, frame count) and
# rendered, whole and in part; then a table of broken takes and misplaced
# options, each one line on stderr, exit 2, and nothing written.
# (tests/app/test_take.c records takes through the window's session and
# checks their replay pixel for pixel.)
set -u
TS=${TS_BIN:?run through ctest}
T=$(mktemp -d /tmp/ts-takes-XXXXXX)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
check() {  # check DESCRIPTION WANTED GOT
  if [ "$2" = "$3" ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $1: wanted '$2', got '$3'"; fi
}
# bad CODE PATTERN ARGS...: exit CODE, exactly one stderr line matching PATTERN, nothing written
bad() {
  local code=$1 pat=$2; shift 2
  local err rc before after
  before=$(ls -AR "$T")
  err=$("$TS" "$@" 2>&1 >/dev/null); rc=$?
  after=$(ls -AR "$T")
  if [ "$rc" -eq "$code" ] && [ "$(printf '%s' "$err" | awk 'END { print NR }')" -eq 1 ] &&
     grep -qE -- "$pat" <<<"$err" && [ "$before" = "$after" ]; then pass=$((pass + 1))
  else fail=$((fail + 1)); echo "FAIL: tensorstage $* -> exit $rc, '$err' (wanted $code, /$pat/, nothing written)"; fi
}
frames() {  # width,height,frames of a video
  ffprobe -v error -select_streams v:0 -count_frames \
    -show_entries stream=width,height,nb_read_frames -of csv=p=0 "$1"
}

# a take of calibration in a 320x180 window: hover, a beat, a click; one second
header() {  # header SOURCE KINDS [EXTRA LINES]
  printf 'tensorstage take 1\nsource = %s\nkinds = %s\n%swindow = 320 180 320 180\nentry = 1\nclock = 1 0\n' "$1" "$2" "${3:-}"
  printf 'now = 0\nlast_motion = -1000000000\nmouse = -1000000000 -1000000000\nflags = playing captions\n'
  printf 'theme = dark\nspeed = 1\nview = 1 0 0\nduration = 1\n'
}
EVENTS='events = 5
0.1 motion 100 50 2 1
0.25 key Right
0.5 down left 100 50
0.5 up left 100 50
0.75 text a\x20b
end
'
{ header calibration calibration; printf '%s' "$EVENTS"; } > "$T/good.take"

out=$("$TS" check "$T/good.take" 2>&1); rc=$?
check "check accepts a take" "0 ok (take of calibration, 1.0 s, 5 events, 320x180 window)" "$rc ${out#*: }"

mkdir "$T/v"
"$TS" record "$T/good.take" --out "$T/v/a.mp4" --size 160x90 --fps 10 2>/dev/null
check "record a take at 160x90, 10 fps: one frame per 1/10 s of it" "160,90,10" "$(frames "$T/v/a.mp4")"
"$TS" record "$T/good.take" --out "$T/v/b.mp4" --fps 10 --no-cursor 2>/dev/null
check "record without --size: the window's size" "320,180,10" "$(frames "$T/v/b.mp4")"
sed 's/^window = .*/window = 641 361 641 361/' "$T/good.take" > "$T/odd.take"
"$TS" record "$T/odd.take" --out "$T/v/c.mp4" --fps 10 2>/dev/null
check "an odd window exports at the even size below it" "640,360,10" "$(frames "$T/v/c.mp4")"
"$TS" render "$T/good.take" --out "$T/v/r" --size 160x90 --fps 10 --from 0.5 --to 1 2>/dev/null
check "render --from 0.5 --to 1 at 10 fps: frames at 0.5 .. 1.0 s" "6" "$(ls "$T/v/r" | wc -l | tr -d ' ')"
rm -rf "$T/v"

# a preset embedded in the take: it replays from its own copy after the file is gone
printf '[scene]\nkind = calibration\ntitle = mine\n[card]\ngrid = 80\n' > "$T/mine.scene"
{ header "$T/mine.scene" calibration; printf 'events = 0\nfile %s 5\n' "$T/mine.scene"
  sed 's/^/| /' "$T/mine.scene"; printf 'end\n'; } > "$T/embedded.take"
rm "$T/mine.scene"
out=$("$TS" check "$T/embedded.take" 2>&1); rc=$?
check "an embedded preset needs no file" "0" "$rc"

# the first event may type '=' (the monkey found a take that did not read back)
{ header calibration calibration; printf 'events = 1\n0.1 text =\nend\n'; } > "$T/eq.take"
out=$("$TS" check "$T/eq.take" 2>&1); rc=$?
check "a take whose first event types '=' reads: $out" "0" "$rc"

# ---- broken takes: FILE:LINE: what, exit 2, before any frame ------------------------
sed '$d' "$T/good.take" > "$T/cut.take"
bad 2 "cut.take:20: truncated: the take ends before its 'end' line" record "$T/cut.take" --out "$T/x.mp4"
sed '/key Right/d' "$T/good.take" > "$T/fewer.take"
bad 2 "fewer.take:20: 4 events, but 'events = 5'" render "$T/fewer.take" --out "$T/r"
head -c 300 "$T/good.take" > "$T/half.take"
bad 2 "half.take:[0-9]+: " check "$T/half.take"
{ header calibration attention; printf '%s' "$EVENTS"; } > "$T/other.take"
bad 2 "other.take:3: the take was recorded on scene 'attention', but 'calibration' opens 'calibration'" \
  record "$T/other.take" --out "$T/x.mp4"
{ header nosuch calibration; printf '%s' "$EVENTS"; } > "$T/nosuch.take"
bad 2 "nosuch.take:2: unknown scene 'nosuch'" record "$T/nosuch.take" --out "$T/x.mp4"
{ header calibration nosuch; printf '%s' "$EVENTS"; } > "$T/nokind.take"
bad 2 "nokind.take:3: unknown scene kind 'nosuch'" check "$T/nokind.take"
{ header "$T/gone.scene" calibration; printf '%s' "$EVENTS"; } > "$T/gone.take"
bad 2 "gone.scene: cannot open" check "$T/gone.take"
{ header "$T/bad.scene" calibration; printf 'events = 0\nfile %s 5\n' "$T/bad.scene"
  printf '| [scene]\n| kind = calibration\n| title = t\n| [card]\n| grid = 1\nend\n'; } > "$T/badpreset.take"
bad 2 "badpreset.take:21: grid must be" check "$T/badpreset.take"
{ header "$T/k.scene" calibration; printf 'events = 0\nfile %s 3\n' "$T/k.scene"
  printf '| [scene]\n| kind = cnn\n| title = t\nend\n'; } > "$T/kind.take"
bad 2 "kind.take:3: the take was recorded on scene 'calibration', but .* opens 'cnn'" check "$T/kind.take"
head -c 2000 /dev/urandom > "$T/garbage.take"
bad 2 "garbage.take:[0-9]+: (binary data|line is longer|not a tensorstage take)" record "$T/garbage.take" --out "$T/x.mp4"
printf 'hello\n' > "$T/hello.take"
bad 2 "hello.take:1: not a tensorstage take" check "$T/hello.take"
: > "$T/empty.take"
bad 2 "empty.take:1: not a tensorstage take" check "$T/empty.take"
sed 's/^tensorstage take 1$/tensorstage take 2/' "$T/good.take" > "$T/v2.take"
bad 2 "v2.take:1: take format '2' is not one" check "$T/v2.take"
sed 's/key Right/jump 3/' "$T/good.take" > "$T/jump.take"
bad 2 "jump.take:17: unknown event 'jump'" check "$T/jump.take"
# a take is bounded like the command line (--size, --frames): check says so
sed 's/^window = .*/window = 16384 16384 16384 16384/' "$T/good.take" > "$T/huge.take"
bad 2 "huge.take:4: window must be .*1..3840 and at most 3840x2160 pixels" check "$T/huge.take"
sed 's/^window = .*/window = 3840 3840 3840 3840/' "$T/good.take" > "$T/square.take"
bad 2 "square.take:4: window must be .*at most 3840x2160 pixels" render "$T/square.take" --out "$T/r"
sed 's/^duration = .*/duration = 1000000/' "$T/good.take" > "$T/long.take"
bad 2 "long.take:[0-9]+: duration must be seconds > 0 and at most 7200" check "$T/long.take"
sed 's/^0.25 key Right/0.25 size 320 180 9000 180/' "$T/good.take" > "$T/wide.take"
bad 2 "wide.take:[0-9]+: size needs 4 sizes .*1..3840" check "$T/wide.take"
sed 's/key Right/key NoSuchKey/' "$T/good.take" > "$T/key.take"
bad 2 "key.take:17: key needs a key name, got 'NoSuchKey'" check "$T/key.take"
sed 's/^0.25 key/0.05 key/' "$T/good.take" > "$T/order.take"
bad 2 "order.take:17: events must be in time order" check "$T/order.take"
sed 's/^0.75 text/7.5 text/' "$T/good.take" > "$T/late.take"
bad 2 "late.take:20: event at 7.500000 s is after the take's end" check "$T/late.take"
sed 's/^events = 5/events = 99999999999/' "$T/good.take" > "$T/huge.take"
bad 2 "huge.take:15: events must be 0..4000000" check "$T/huge.take"
sed 's/^events = 5/events = 3/' "$T/good.take" > "$T/more.take"
bad 2 "more.take:19: more events than 'events = 3' says" check "$T/more.take"
{ header calibration calibration; printf 'events = 0\nfile x.scene 999999999\n'; } > "$T/hugefile.take"
bad 2 "hugefile.take:16: expected 'file PATH LINES'" check "$T/hugefile.take"
sed 's/^0.1 motion 100 50 2 1/0.1 motion 100 50 2/' "$T/good.take" > "$T/motion.take"
bad 2 "motion.take:16: motion needs x y xrel yrel" check "$T/motion.take"
sed '/^speed/d' "$T/good.take" > "$T/nospeed.take"
bad 2 "nospeed.take:15: the header has no 'speed'" check "$T/nospeed.take"
sed 's/^speed = 1/speed = 9/' "$T/good.take" > "$T/speed.take"
bad 2 "speed.take:12: speed must be 0.25..4" check "$T/speed.take"
sed 's/^theme = dark/colour = dark/' "$T/good.take" > "$T/key2.take"
bad 2 "key2.take:11: unknown key 'colour'" check "$T/key2.take"
sed 's/^clock = 1 0/clock = 9 0/' "$T/good.take" > "$T/beat.take"
bad 2 "beat.take:6: the take starts at entry 1, beat 9, which 'calibration' does not have" check "$T/beat.take"
{ cat "$T/good.take"; printf 'more\n'; } > "$T/after.take"
bad 2 "after.take:22: text after 'end'" check "$T/after.take"
mkfifo "$T/fifo.take"
bad 2 "fifo.take: is not a regular file" check "$T/fifo.take"
bad 2 "missing.take: cannot open" record "$T/missing.take" --out "$T/x.mp4"

# ---- options that do not go with a take (or a take where it does not go) ----------
bad 2 "320x180 window, whose canvas is 1920x1080; 160x160 makes a 1920x1536 canvas" record "$T/good.take" --out "$T/x.mp4" --size 160x160
bad 2 "--beat and --beats go with a scene" record "$T/good.take" --out "$T/x.mp4" --beats 2-3
bad 2 "--beat and --beats go with a scene" render "$T/good.take" --out "$T/r" --beat 2
bad 2 "--still renders a beat of a scene" render "$T/good.take" --still --out "$T/x.png"
bad 2 "--transparent goes with a scene" record "$T/good.take" --out "$T/x.mov" --transparent
bad 2 "--set goes with a scene" record "$T/good.take" --out "$T/x.mp4" --set card.grid=80
bad 2 "--set goes with a scene" check "$T/good.take" --set card.grid=80
bad 2 "--from/--to must satisfy 0 <= from < to <= 1.000 s \(the take\)" record "$T/good.take" --out "$T/x.mp4" --to 5
bad 2 "dump takes a scene, not a take" dump "$T/good.take" --out "$T/x.json"
bad 2 "bench takes a scene, not a take" bench "$T/good.take"
bad 2 "a take is exported, not opened" "$T/good.take"
bad 2 "--no-cursor goes with a take" record calibration --out "$T/x.mp4" --no-cursor
touch "$T/exists.mp4"
bad 2 "exists.mp4: already exists" record "$T/good.take" --out "$T/exists.mp4"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
