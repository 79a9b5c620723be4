#!/usr/bin/env bash
# test_publish.sh: nothing is lost when two runs race or the file system
# changes under a run (issue #24). Races are driven by the test hook
# TENSORSTAGE_HOLD=publish:FILE (the run creates FILE.held just before it
# publishes and waits until FILE exists), never by sleeping:
#   - two dumps, two renders into one new folder: the held one fails (exit 2),
#     the other's output is whole and untouched, no temporary left;
#     the same through link + unlink (TENSORSTAGE_NO_RENAMEAT2=1);
#   - render --force and record --subtitles --force publish all or nothing:
#     when a name becomes a folder during the run, every old file survives;
#   - --force replaces regular files only (a FIFO, a link, a dangling link);
#   - a 256-byte name and an incomplete TENSORSTAGE_DATA fail before any work;
#   - dump --out - writes standard output; list > /dev/full exits 1; list
#     shows every preset, even past 256.
set -u
TS=${TS_BIN:?run through ctest}
T=$(mktemp -d /tmp/ts-pub-XXXXXX)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
check() {  # check DESCRIPTION COMMAND...
  local what=$1; shift
  if "$@" >/dev/null 2>&1; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $what"; fi
}
no_leftovers() { ! find "$T" -name '*.tensorstage-part' -o -name '*.tensorstage-old' | grep -q .; }
one_line() { [ "$(wc -l < "$1")" -eq 1 ] && grep -qE -- "$2" "$1"; }
sums() { (cd "$1" && sha256sum frame-*.png 2>&1); }

# held GATE ARGS...: starts tensorstage ARGS held before publishing; waits for
# it to get there. Its pid in $held_pid, stderr in $T/held.err.
held() {
  local gate=$1; shift
  rm -f "$gate" "$gate.held"
  TENSORSTAGE_HOLD="publish:$gate" "$TS" "$@" 2>"$T/held.err" &
  held_pid=$!
  while [ ! -e "$gate.held" ] && kill -0 $held_pid 2>/dev/null; do sleep 0.02; done
}
release() { touch "$1"; wait $held_pid; }

for mode in renameat2 link; do
  if [ $mode = link ]; then export TENSORSTAGE_NO_RENAMEAT2=1; fi
  rm -rf "$T/d" && mkdir "$T/d"
  held "$T/go" dump cnn --beat 1 --out "$T/d/same.json"
  "$TS" dump cnn --beat 2 --out "$T/d/same.json" 2>/dev/null
  check "$mode: the run that publishes first succeeds" grep -q '"beat":2' "$T/d/same.json"
  release "$T/go"; rc=$?
  check "$mode: the held dump fails with exit 2 (got $rc)" test $rc -eq 2
  check "$mode: and says so in one line: $(cat "$T/held.err")" one_line "$T/held.err" "same.json: appeared during the run"
  check "$mode: the other run's dump is kept" grep -q '"beat":2' "$T/d/same.json"
  check "$mode: no temporary is left" no_leftovers

  "$TS" render cnn --out "$T/ref" --size 160x90 --frames 3 --force 2>/dev/null
  held "$T/go" render calibration --out "$T/d/r" --size 160x90 --frames 3
  "$TS" render cnn --out "$T/d/r" --size 160x90 --frames 3 2>/dev/null
  release "$T/go"; rc=$?
  check "$mode: the held render into the same new folder fails with exit 2 (got $rc)" test $rc -eq 2
  check "$mode: the folder holds the other render's frames, all of them" test "$(sums "$T/d/r")" = "$(sums "$T/ref")"
  check "$mode: no temporary is left" no_leftovers
  unset TENSORSTAGE_NO_RENAMEAT2
done

# render --force: a folder appears where frame-00002.png was; every old frame survives
"$TS" render calibration --out "$T/old" --size 160x90 --frames 5 2>/dev/null
before=$(sums "$T/old")
held "$T/go" render cnn --out "$T/old" --size 160x90 --frames 5 --force
rm "$T/old/frame-00002.png" && mkdir "$T/old/frame-00002.png"
release "$T/go"; rc=$?
check "render --force into a changed folder fails with exit 2 (got $rc)" test $rc -eq 2
check "and says which name in one line: $(cat "$T/held.err")" one_line "$T/held.err" "frame-00002.png: .*folder"
rmdir "$T/old/frame-00002.png"
check "frames 0, 1, 3 and 4 are the old ones" \
  test "$(sums "$T/old" | grep -v 00002)" = "$(echo "$before" | grep -v 00002)"
check "no temporary or backup is left" no_leftovers

# record --subtitles --force: the third name cannot be published; the old video and captions survive
if command -v ffmpeg >/dev/null; then
  for f in v.mp4 v.srt v.vtt; do echo "old $f" > "$T/$f"; done
  held "$T/go" record calibration --out "$T/v.mp4" --size 64x64 --frames 3 --subtitles --force
  rm "$T/v.vtt" && mkdir "$T/v.vtt"
  release "$T/go"; rc=$?
  check "record --subtitles --force fails when v.vtt became a folder (exit $rc)" test $rc -eq 2
  check "the old v.mp4 survives" grep -qx "old v.mp4" "$T/v.mp4"
  check "the old v.srt survives" grep -qx "old v.srt" "$T/v.srt"
  check "no temporary or backup is left" no_leftovers
  rmdir "$T/v.vtt"; rm -f "$T"/v.*
fi

# --force replaces regular files only; a dangling link is an existing name
echo keep > "$T/target.json"
mkfifo "$T/fifo.json"
ln -s "$T/target.json" "$T/link.json"
ln -s "$T/nowhere.json" "$T/dangling.json"
for out in fifo.json link.json dangling.json; do
  rc=0; timeout 60 "$TS" dump calibration --out "$T/$out" --force 2>"$T/err" || rc=$?
  check "dump --force onto $out exits 2 (got $rc)" test $rc -eq 2
  check "and says --force replaces only regular files: $(cat "$T/err")" one_line "$T/err" "only regular files"
done
check "the FIFO is still a FIFO" test -p "$T/fifo.json"
check "the link is still a link" test -L "$T/link.json"
check "the linked file is untouched" grep -qx keep "$T/target.json"
check "the dangling link is still there and still dangles" test -L "$T/dangling.json" -a ! -e "$T/nowhere.json"
rc=0; "$TS" dump calibration --out "$T/dangling.json" 2>"$T/err" || rc=$?
check "a dangling link at --out is not replaced without --force (exit $rc)" test $rc -eq 2
check "no temporary is left" no_leftovers

# checked before any work
name=$(printf 'n%.0s' {1..251}).json   # 256 bytes
rc=0; "$TS" dump calibration --out "$T/$name" 2>"$T/err" || rc=$?
check "a 256-byte name is refused at the check (exit $rc): $(cat "$T/err")" bash -c "[ $rc -eq 2 ] && grep -q 'allows 255' '$T/err'"
rc=0; "$TS" render calibration --out "$T/$name" --frames 2 --size 64x64 2>"$T/err" || rc=$?
check "a 256-byte folder name is refused at the check (exit $rc): $(cat "$T/err")" bash -c "[ $rc -eq 2 ] && grep -q 'allows 255' '$T/err'"
mkdir -p "$T/partial/shaders"
rc=0; TENSORSTAGE_DATA="$T/partial" "$TS" list >/dev/null 2>"$T/err" || rc=$?
check "TENSORSTAGE_DATA with only shaders/ is refused (exit $rc): $(cat "$T/err")" \
  bash -c "[ $rc -eq 2 ] && grep -q 'has no assets/' '$T/err'"

# a deck deep in folders: opened from there, or refused in one line, never the wrong file
deep="$T/$(printf 'a%.0s' {1..200})/$(printf 'b%.0s' {1..200})"
mkdir -p "$deep/$(printf 'c%.0s' {1..200})"
printf '[scene]\nkind = calibration\ntitle = deep\n' > "$deep/p.scene"
printf '[deck]\ntitle = deep\n[entry]\nscene = p.scene\n' > "$deep/d.deck"
rc=0; "$TS" check "$deep/d.deck" > "$T/out" 2>"$T/err" || rc=$?
check "a deck in a 400-byte folder opens its preset beside it (exit $rc): $(cat "$T/err")" \
  bash -c "[ $rc -eq 0 ] && grep -q 'ok (deck, 1 entries)' '$T/out'"
cp "$deep/d.deck" "$deep/p.scene" "$deep/$(printf 'c%.0s' {1..200})/"
rc=0; "$TS" check "$deep/$(printf 'c%.0s' {1..200})/d.deck" > "$T/out" 2>"$T/err" || rc=$?
check "a deck in a 600-byte folder is refused in one line, exit 2 (got $rc): $(cat "$T/err")" \
  bash -c "[ $rc -eq 2 ] && [ \$(wc -l < '$T/err') -eq 1 ] && grep -q 'longer than 511 bytes' '$T/err'"

# dump --out - is standard output, the same bytes as the file
(cd "$T" && "$TS" dump calibration --out - > "$T/stdout.json" 2>"$T/err"); rc=$?
"$TS" dump calibration --out "$T/file.json" 2>/dev/null
check "dump --out - exits 0 (got $rc)" test $rc -eq 0
check "dump --out - writes the dump to standard output" cmp "$T/stdout.json" "$T/file.json"
check "dump --out - writes no file named -" test ! -e "$T/-"

# list: a full disk is an error; every preset is listed
if [ -w /dev/full ]; then
  rc=0; "$TS" list > /dev/full 2>"$T/err" || rc=$?
  check "list > /dev/full exits 1 (got $rc)" test $rc -eq 1
  check "and says why in one line: $(cat "$T/err")" one_line "$T/err" "cannot write"
fi
data=$(dirname "$(dirname "$TS")")
[ -d "$data/shaders" ] || data=$PWD
mkdir -p "$T/data/scenes"
ln -s "$data/shaders" "$T/data/shaders"; ln -s "$data/assets" "$T/data/assets"
for i in $(seq -w 1 300); do printf '[scene]\nkind = calibration\ntitle = preset %s\n' "$i" > "$T/data/scenes/p$i.scene"; done
listed=$(TENSORSTAGE_DATA="$T/data" "$TS" list 2>/dev/null | grep -c 'scenes/p[0-9]*\.scene ')
check "list shows all 300 presets (showed $listed)" test "$listed" -eq 300

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
