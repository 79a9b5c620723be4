#!/usr/bin/env bash
# test_signal.sh: Ctrl-C (SIGINT) and SIGTERM stop render and record midway.
# Each run is started, signalled once its first temporary output exists, and
# must say it stopped within a second and exit 130 (SIGINT) or 143 (SIGTERM)
# (within a second too, but for a sanitizer build's exit scan), with one line on
# stderr, no file under a final name, no temporary left, and files that were
# there before (a --force render over old frames) byte-identical.
set -u
TS=${TS_BIN:?run through ctest}
T=$(mktemp -d /tmp/ts-sig-XXXXXX)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
# The app stops and says so within a second; under AddressSanitizer the exit
# itself also runs LeakSanitizer's scan of the heap, which takes longer.
EXIT_LIMIT_MS=1000
if nm -D "$TS" 2>/dev/null | grep -q __asan_init || nm "$TS" 2>/dev/null | grep -q __asan_init; then EXIT_LIMIT_MS=4000; fi
check() {  # check DESCRIPTION CONDITION...
  local what=$1; shift
  if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $what"; fi
}

# interrupt SIGNAL WANT_RC GLOB ARGS...: start tensorstage ARGS, wait for GLOB
# (its first temporary) to exist, send SIGNAL, and check the exit.
interrupt() {
  local sig=$1 want=$2 glob=$3; shift 3
  "$TS" "$@" 2>"$T/err" &
  local pid=$! waited=0
  while ! compgen -G "$glob" >/dev/null; do
    sleep 0.05; waited=$((waited + 1))
    if [ $waited -gt 1200 ] || ! kill -0 $pid 2>/dev/null; then
      fail=$((fail + 1)); echo "FAIL: $* never wrote $glob: $(cat "$T/err")"; kill -KILL $pid 2>/dev/null; wait $pid; return
    fi
  done
  local t0 t1 t2 rc
  t0=$(date +%s%N)
  kill -"$sig" $pid
  while ! grep -q stopped "$T/err" && kill -0 $pid 2>/dev/null; do sleep 0.01; done
  t1=$(date +%s%N)
  wait $pid; rc=$?
  t2=$(date +%s%N)
  local stop_ms=$(( (t1 - t0) / 1000000 )) exit_ms=$(( (t2 - t0) / 1000000 ))
  check "$sig: $* exits $want (got $rc)" test "$rc" -eq "$want"
  check "$sig: $* stops within a second (took $stop_ms ms)" test "$stop_ms" -lt 1000
  check "$sig: $* exits within $EXIT_LIMIT_MS ms (took $exit_ms ms)" test "$exit_ms" -lt "$EXIT_LIMIT_MS"
  check "$sig: $* says so in one line: $(cat "$T/err")" \
    bash -c "[ \$(wc -l < '$T/err') -eq 1 ] && grep -q 'stopped by SIG$sig.*nothing was written' '$T/err'"
  check "$sig: $* leaves no temporary" bash -c "! find '$T' -name '*tensorstage-part' | grep -q ."
}

interrupt INT 130 "$T/r/.frame-*" render calibration --out "$T/r" --size 160x90 --frames 100000
check "an interrupted render leaves no folder it made" test ! -e "$T/r"

"$TS" render calibration --out "$T/old" --size 160x90 --frames 2 2>/dev/null
sum_before=$(cd "$T/old" && sha256sum frame-*.png)
interrupt TERM 143 "$T/old/.frame-*" render calibration --out "$T/old" --size 160x90 --frames 100000 --force
check "old frames survive an interrupted --force render" \
  test "$(cd "$T/old" && sha256sum frame-*.png)" = "$sum_before"

if command -v ffmpeg >/dev/null; then
  interrupt INT 130 "$T/.v.mp4.*" record calibration --out "$T/v.mp4" --size 160x90 --frames 100000
  check "an interrupted record leaves no video" test ! -e "$T/v.mp4"
  echo precious > "$T/w.mp4"
  interrupt TERM 143 "$T/.w.mp4.*" record calibration --out "$T/w.mp4" --size 160x90 --frames 100000 --force
  check "an interrupted record --force keeps the old video" grep -qx precious "$T/w.mp4"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
