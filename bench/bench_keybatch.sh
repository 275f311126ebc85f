#!/usr/bin/env bash
# Migrating N encrypted PuTTY keys to OpenSSH: one keybatch run against the
# shell loop people write around puttygen, over the same files.
#
# The keys are PPK v3 made by puttygen with its DEFAULT Argon2 parameters
# (Argon2id, 8192 KiB, its calibrated ~100 ms pass count, parallelism 1),
# ed25519 and rsa 2048 alternating, all under one passphrase; they are cached
# in $KK_BENCH_DIR (default /tmp/kk-bench) because making them is slow.  Each
# run converts all N to encrypted OpenSSH (same passphrase, bcrypt 16 rounds
# on both sides) into an empty directory:
#   keybatch --to openssh -o OUT --passin file:PW KEYS/
#   for k in KEYS/*.ppk; do puttygen "$k" --old-passphrase PW --new-passphrase PW \
#       -O private-openssh-new -o OUT/...; done
# Runs alternate so both see the same machine state; the medians and their
# ratio are printed (issue 7's goal: puttygen loop / keybatch >= 3), after
# checking that every output of both opens with the passphrase and holds the
# input's key.  Build with optimisation (the default preset, Release) and
# check `uptime` first: other work on the machine makes the numbers noisy.
#   bench/bench_keybatch.sh [BIN_DIR] [RUNS] [N]     (build/bin, 5, 40)
set -eu
BIN=${1:-build/bin}
RUNS=${2:-5}
N=${3:-40}
CACHE=${KK_BENCH_DIR:-/tmp/kk-bench}
[ -x "$BIN/keybatch" ] || { echo "bench_keybatch: no $BIN/keybatch; build first" >&2; exit 2; }
for t in puttygen ssh-keygen; do
    command -v $t >/dev/null || { echo "bench_keybatch: $t not installed" >&2; exit 2; }
done

# ---- the keys (cached: puttygen's default Argon2 costs ~0.1 s per key and
# RSA generation more)
KEYS=$CACHE/keys-$N
mkdir -p "$KEYS"
printf 'bench passphrase' >"$CACHE/pw"
for i in $(seq -w 1 "$N"); do
    f=$KEYS/key$i.ppk
    [ -s "$f" ] && continue
    if [ $((10#$i % 2)) -eq 0 ]; then t="rsa -b 2048"; else t=ed25519; fi
    # shellcheck disable=SC2086
    puttygen -q -t $t -C "bench key $i" --new-passphrase "$CACHE/pw" -o "$f.tmp"
    puttygen -L "$f.tmp" | cut -d' ' -f1,2 >"$KEYS/key$i.want"
    mv "$f.tmp" "$f"
done
W=$(mktemp -d "${TMPDIR:-/tmp}/kkbench.XXXXXX")
trap 'rm -rf "$W"' EXIT
echo "keys: $N PPK v3 in $KEYS ($(grep -E '^(Key-Derivation|Argon2-Memory|Argon2-Passes|Argon2-Parallelism):' \
    "$KEYS/key$(seq -w 1 "$N" | head -1).ppk" | tr '\n' ' ')), jobs: $(nproc) CPUs"
echo "load before: $(uptime | sed 's/.*load/load/')"

# timed CMD...: "WALL_MS CPU_MS" of one run (CPU: user + system, children
# included), so a busy machine shows as wall time well above CPU / cores.
timed() {
    local t TIMEFORMAT='%3R %3U %3S'
    t=$({ time "$@" >/dev/null 2>&1; } 2>&1)
    echo "$t" | awk '{printf "%d %d\n", $1 * 1000, ($2 + $3) * 1000}'
}
median() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

run_keybatch() {
    "$BIN/keybatch" -q --to openssh -o "$1" --passin "file:$CACHE/pw" "$KEYS"
}
run_puttygen() {
    mkdir -p "$1"
    for k in "$KEYS"/*.ppk; do
        b=${k##*/}
        puttygen "$k" --old-passphrase "$CACHE/pw" --new-passphrase "$CACHE/pw" \
            -O private-openssh-new -o "$1/${b%.ppk}" || return 1
    done
}

: >"$W/kb"; : >"$W/pg"
for r in $(seq "$RUNS"); do
    timed run_keybatch "$W/kb$r" >>"$W/kb"
    timed run_puttygen "$W/pg$r" >>"$W/pg"
done

# Both did the work: every output opens with the passphrase (and not
# without it) and holds the input's key.
for i in $(seq -w 1 "$N"); do
    want=$(cat "$KEYS/key$i.want")
    for o in "$W/kb1/key$i" "$W/pg1/key$i"; do
        got=$(ssh-keygen -y -P 'bench passphrase' -f "$o" 2>/dev/null | cut -d' ' -f1,2)
        [ -n "$want" ] && [ "$got" = "$want" ] ||
            { echo "bench_keybatch: $o does not hold the key of key$i.ppk" >&2; exit 1; }
        if ssh-keygen -y -P '' -f "$o" >/dev/null 2>&1; then
            echo "bench_keybatch: $o is not encrypted" >&2; exit 1
        fi
    done
done
kb=$(cut -d' ' -f1 "$W/kb" | median); pg=$(cut -d' ' -f1 "$W/pg" | median)
kbc=$(cut -d' ' -f2 "$W/kb" | median); pgc=$(cut -d' ' -f2 "$W/pg" | median)
echo "outputs checked: $((2 * N)) keys open with the passphrase only and match their inputs"
echo "keybatch:       median $kb ms wall, $kbc ms CPU  (wall runs: $(cut -d' ' -f1 "$W/kb" | tr '\n' ' '))"
echo "puttygen loop:  median $pg ms wall, $pgc ms CPU  (wall runs: $(cut -d' ' -f1 "$W/pg" | tr '\n' ' '))"
echo "load after: $(uptime | sed 's/.*load/load/')"
awk -v k="$kb" -v p="$pg" 'BEGIN {printf "ratio puttygen loop / keybatch (wall): %.2f (goal >= 3)\n", p / k}'
# What the wall ratio would be with every CPU free for keybatch: the CPU
# ratio times the CPUs (keybatch keeps them all busy, the loop one).
awk -v k="$kbc" -v p="$pgc" -v c="$(nproc)" 'BEGIN {printf "CPU ratio: %.2f per key; x %d CPUs = %.2f on an idle machine\n", p / k, c, p / k * c}'
