#!/usr/bin/env bash
# test_signal.sh: SIGINT, SIGTERM, SIGHUP and SIGPIPE stop render and record
# midway, and a stop is reported as a stop wherever it comes.
#
# Nothing here measures milliseconds, so a busy machine cannot fail it. A run
# is held before frame 3 by the test hook TENSORSTAGE_HOLD=frame:3:FILE (it
# creates FILE.held and waits), the signal is sent there, and the run must say
# "stopped by SIG... after 3 of N frames": not one frame is made after the
# signal. Then: the exit code 128 + signal, one line on stderr, no file under a
# final name, no temporary left, old files (a --force render or record)
# byte-identical. With a fake ffmpeg: a signal while record asks
# `ffmpeg -encoders` is a stop (130), not "no libx264 encoder"; a probe that
# never answers ends at its limit (TENSORSTAGE_FFMPEG_PROBE_S); a signal while
# ffmpeg finishes after the last frame stops it at once (the fake one would
# take 300 s; the run must end within 60 s, and the fake is gone).
set -u
TS=${TS_BIN:?run through ctest}
T=$(mktemp -d /tmp/ts-sig-XXXXXX)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
check() {  # check DESCRIPTION CONDITION...
  local what=$1; shift
  if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $what"; fi
}
# wait_for FILE PID: until FILE exists; false (PID killed) if PID ends first or
# FILE never comes (a build without the hook: 120 s, only ever on failure)
wait_for() {
  local i=0
  while [ ! -e "$1" ]; do
    kill -0 "$2" 2>/dev/null || return 1
    i=$((i + 1)); [ $i -lt 6000 ] || { kill -KILL "$2"; return 1; }
    sleep 0.02
  done
}
# ends_within SECONDS PID: waits for PID's exit, generously bounded; its code in $rc
ends_within() {
  local i=0
  while kill -0 "$2" 2>/dev/null && [ $i -lt $(( $1 * 20 )) ]; do sleep 0.05; i=$((i + 1)); done
  if kill -0 "$2" 2>/dev/null; then kill -KILL "$2"; wait "$2"; rc=-1; return 1; fi
  wait "$2"; rc=$?
}

# interrupt SIGNAL WANT_RC NAME ARGS...: holds tensorstage ARGS before frame 3,
# sends SIGNAL there, and checks the stop.
interrupt() {
  local sig=$1 want=$2 name=$3; shift 3
  rm -f "$T/go" "$T/go.held"
  TENSORSTAGE_HOLD="frame:3:$T/go" "$TS" "$@" 2>"$T/err" &
  local pid=$!
  if ! wait_for "$T/go.held" $pid; then
    fail=$((fail + 1)); echo "FAIL: $* never reached frame 3: $(cat "$T/err")"; wait $pid; return
  fi
  kill -"$sig" $pid
  wait $pid; rc=$?
  check "$sig: $* exits $want (got $rc)" test "$rc" -eq "$want"
  check "$sig: $* says so in one line, with no frame made after the signal: $(cat "$T/err")" \
    bash -c "[ \$(wc -l < '$T/err') -eq 1 ] && grep -q '$name stopped by SIG$sig.* after 3 of 100000 frames; nothing was written' '$T/err'"
  check "$sig: $* leaves no temporary" bash -c "! find '$T' -name '*tensorstage-part' | grep -q ."
}

interrupt INT 130 render render calibration --out "$T/r" --size 160x90 --frames 100000
check "an interrupted render leaves no folder it made" test ! -e "$T/r"
interrupt HUP 129 render render calibration --out "$T/r" --size 160x90 --frames 100000
check "a render stopped by SIGHUP leaves no folder it made" test ! -e "$T/r"
interrupt PIPE 141 render render calibration --out "$T/r" --size 160x90 --frames 100000
check "a render stopped by SIGPIPE leaves no folder it made" test ! -e "$T/r"

"$TS" render calibration --out "$T/old" --size 160x90 --frames 2 2>/dev/null
sum_before=$(cd "$T/old" && sha256sum frame-*.png)
interrupt TERM 143 render render calibration --out "$T/old" --size 160x90 --frames 100000 --force
check "old frames survive an interrupted --force render" \
  test "$(cd "$T/old" && sha256sum frame-*.png)" = "$sum_before"

if command -v ffmpeg >/dev/null; then
  interrupt INT 130 record record calibration --out "$T/v.mp4" --size 160x90 --frames 100000
  check "an interrupted record leaves no video" test ! -e "$T/v.mp4"
  echo precious > "$T/w.mp4"
  interrupt TERM 143 record record calibration --out "$T/w.mp4" --size 160x90 --frames 100000 --force
  check "an interrupted record --force keeps the old video" grep -qx precious "$T/w.mp4"
  interrupt HUP 129 record record calibration --out "$T/v.mp4" --size 160x90 --frames 100000
  check "a record stopped by SIGHUP leaves no video" test ! -e "$T/v.mp4"
fi

# A fake ffmpeg: `-encoders` lists libx264, or (FAKE_HANG=1) says it started and
# never answers; encoding reads every frame, says it is finishing, and takes 300 s.
mkdir -p "$T/bin"
cat > "$T/bin/ffmpeg" <<EOF
#!/bin/sh
for a; do
  if [ "\$a" = -encoders ]; then
    if [ -n "\${FAKE_HANG:-}" ]; then touch "$T/probing"; exec sleep 300; fi
    echo " V....D libx264 H.264"; exit 0
  fi
done
echo \$\$ > "$T/ffmpeg.pid"
cat > /dev/null
touch "$T/finishing"
exec sleep 300
EOF
chmod +x "$T/bin/ffmpeg"

FAKE_HANG=1 PATH="$T/bin:$PATH" "$TS" record calibration --out "$T/p.mp4" --size 64x64 --frames 3 2>"$T/err" &
pid=$!
if wait_for "$T/probing" $pid; then
  kill -INT $pid
  ends_within 60 $pid
  check "SIGINT during the ffmpeg probe is a stop: exit 130 (got $rc)" test "$rc" -eq 130
  check "and says it stopped, not that an encoder is missing: $(cat "$T/err")" \
    bash -c "[ \$(wc -l < '$T/err') -eq 1 ] && grep -q 'stopped by SIGINT' '$T/err'"
else
  fail=$((fail + 1)); echo "FAIL: the fake ffmpeg was never asked for its encoders: $(cat "$T/err")"; wait $pid
fi

FAKE_HANG=1 TENSORSTAGE_FFMPEG_PROBE_S=1 PATH="$T/bin:$PATH" \
  "$TS" record calibration --out "$T/p.mp4" --size 64x64 --frames 3 2>"$T/err" &
pid=$!
ends_within 60 $pid
check "a probe that never answers ends at its limit: exit 1 (got $rc)" test "$rc" -eq 1
check "and says so: $(cat "$T/err")" grep -q "did not answer within 1 s" "$T/err"

PATH="$T/bin:$PATH" "$TS" record calibration --out "$T/f.mp4" --size 64x64 --frames 3 2>"$T/err" &
pid=$!
if wait_for "$T/finishing" $pid; then
  kill -TERM $pid
  ends_within 60 $pid
  check "SIGTERM while ffmpeg finishes stops it at once: exit 143 (got $rc)" test "$rc" -eq 143
  check "and says so in one line: $(cat "$T/err")" \
    bash -c "[ \$(wc -l < '$T/err') -eq 1 ] && grep -q 'stopped by SIGTERM' '$T/err'"
  check "the fake ffmpeg was stopped too" bash -c "! kill -0 \$(cat '$T/ffmpeg.pid') 2>/dev/null"
  check "no video and no temporary" bash -c "[ ! -e '$T/f.mp4' ] && ! find '$T' -name '*tensorstage-part' | grep -q ."
else
  fail=$((fail + 1)); echo "FAIL: the fake ffmpeg never got its frames: $(cat "$T/err")"; wait $pid
fi
pkill_fake() { [ -e "$T/ffmpeg.pid" ] && kill -KILL "$(cat "$T/ffmpeg.pid")" 2>/dev/null; }
pkill_fake

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
