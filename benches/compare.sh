#!/usr/bin/env bash
# Whole-process comparison for docs/performance.md (issue 7): airisk against the serde_yaml
# floors and the Python reference, side by side in one hyperfine run per size, and peak RSS.
#
# usage: benches/compare.sh [SIZES...]          default: 50 1000 10000 100000
# needs: hyperfine, GNU time (/usr/bin/time), python3, cargo; writes only under bench-data/
# (git-ignored). The 100,000 row takes about 4 minutes, most of it ref_airisk.py.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SHARED=${AIRISK_BENCH_SHARED:-$ROOT/../shared/bench}
DATA=$ROOT/bench-data
mkdir -p "$DATA/out" "$DATA/results"
if [ $# -gt 0 ]; then SIZES=("$@"); else SIZES=(50 1000 10000 100000); fi
command -v hyperfine >/dev/null || { echo "needs hyperfine (apt-get install hyperfine)"; exit 2; }

# 1. tools: airisk and its serde_yaml floor, parse_only (the floor for the sketch format),
#    and the Python reference's venv exactly as ../shared/bench/bench.sh makes it.
cargo build --release -q --bin airisk --example parse_floor --example generate
(cd "$SHARED/parse_only" && cargo build --release -q)
A=$ROOT/target/release/airisk
FLOOR=$ROOT/target/release/examples/parse_floor
GEN=$ROOT/target/release/examples/generate
PARSE_ONLY=$SHARED/target/release/parse_only
HELLO=$SHARED/target/release/hello
if [ ! -x "$DATA/venv/bin/python" ]; then
  python3 -m venv "$DATA/venv"
  "$DATA/venv/bin/pip" install -q -r "$SHARED/requirements.txt"
fi
PY=$DATA/venv/bin/python
export SOURCE_DATE_EPOCH=1700000000

peak() {  # median of 3 peak-RSS readings (MiB) of one command
  for _ in 1 2 3; do /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -1; done | sort -n | sed -n 2p |
    awk '{printf "%.1f", $1/1024}'
}

# 2. start-up: an example answer file on the default checklist, against Rust hello world.
EXAMPLE=$(ls "$ROOT"/examples/*.yaml 2>/dev/null | xargs -r grep -l '^checklist: ai-risk-control' | head -1 || true)
if [ -z "$EXAMPLE" ]; then
  EXAMPLE=$DATA/n65/answers.yaml
  "$GEN" 65 "$DATA/n65"
fi
echo "== start-up: $EXAMPLE"
hyperfine -N -w 5 -r 50 --export-json "$DATA/results/startup.json" \
  "$A report $EXAMPLE --format html -o $DATA/out/example.html" \
  "$A validate $EXAMPLE" \
  "$HELLO"
echo "peak MiB: report $(peak "$A" report "$EXAMPLE" --format html -o "$DATA/out/example.html")," \
  "hello $(peak "$HELLO")"

# 3. per size: generate (airisk's format; clean, and with the warnings real files carry),
#    convert for the reference (sketch format), compare.
for n in "${SIZES[@]}"; do
  d=$DATA/n$n w=$DATA/w$n s=$DATA/s$n
  [ -f "$d/answers.yaml" ] || "$GEN" "$n" "$d"
  [ -f "$w/answers.yaml" ] || "$GEN" "$n" "$w" --warnings
  [ -f "$s/answers.yaml" ] || "$PY" "$ROOT/benches/to_sketch.py" "$d" "$s"
  runs=10; [ "$n" -le 1000 ] && runs=20; [ "$n" -ge 100000 ] && runs=3
  echo "== N=$n: $(du -b "$d/checklist.yaml" | cut -f1) + $(du -b "$d/answers.yaml" | cut -f1) bytes (airisk)," \
    "$(du -b "$s/checklist.yaml" | cut -f1) + $(du -b "$s/answers.yaml" | cut -f1) bytes (sketch)"
  hyperfine -N -w 1 -r "$runs" --export-json "$DATA/results/n$n.json" \
    -n "airisk report html" "$A report $d/answers.yaml --format html -o $DATA/out/a$n.html" \
    -n "airisk report md+html" "sh -c '$A report $d/answers.yaml --format markdown -o $DATA/out/a$n.md && $A report $d/answers.yaml --format html -o $DATA/out/a$n.html'" \
    -n "airisk validate" "$A validate $d/answers.yaml" \
    -n "parse_floor (airisk files)" "$FLOOR $d/checklist.yaml $d/answers.yaml" \
    -n "airisk report html (warnings)" "$A report $w/answers.yaml --format html -o $DATA/out/w$n.html" \
    -n "parse_floor (warnings files)" "$FLOOR $w/checklist.yaml $w/answers.yaml" \
    -n "parse_only (sketch files)" "$PARSE_ONLY $s/checklist.yaml $s/answers.yaml" \
    -n "ref_airisk.py md+html" "$PY $SHARED/ref_airisk.py $s/checklist.yaml $s/answers.yaml --md $DATA/out/r$n.md --html $DATA/out/r$n.html"
  echo "peak MiB: airisk report html $(peak "$A" report "$d/answers.yaml" --format html -o "$DATA/out/a$n.html")," \
    "parse_floor $(peak "$FLOOR" "$d/checklist.yaml" "$d/answers.yaml")," \
    "with warnings: airisk $(peak "$A" report "$w/answers.yaml" --format html -o "$DATA/out/w$n.html")," \
    "parse_floor $(peak "$FLOOR" "$w/checklist.yaml" "$w/answers.yaml")," \
    "parse_only $(peak "$PARSE_ONLY" "$s/checklist.yaml" "$s/answers.yaml")," \
    "ref $(peak "$PY" "$SHARED/ref_airisk.py" "$s/checklist.yaml" "$s/answers.yaml" --md "$DATA/out/r$n.md" --html "$DATA/out/r$n.html")"
done

# 4. validate over a folder of 1,000 answer files (copies of the example, default checklist):
#    one process for the folder, against one process per file.
v=$DATA/folder
if [ ! -f "$v/0999.yaml" ]; then
  mkdir -p "$v"
  for i in $(seq -w 0 999); do cp "$EXAMPLE" "$v/$i.yaml"; done
fi
echo "== validate over 1,000 answer files ($EXAMPLE)"
hyperfine -N -w 1 -r 5 --export-json "$DATA/results/folder.json" \
  -n "one process, 1,000 files" "sh -c '$A validate $v/*.yaml >/dev/null 2>&1 || true'" \
  -n "one process per file" "sh -c 'for f in $v/*.yaml; do $A validate \$f >/dev/null 2>&1 || true; done'"
