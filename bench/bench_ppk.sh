#!/usr/bin/env bash
# Decrypting a .ppk that puttygen wrote with its default parameters
# (Argon2id, 8192 KiB, its ~100 ms pass count, parallelism 1): keyconv vs
# puttygen, each converting the private key to OpenSSH.  Runs alternate so
# both see the same machine state; the medians and their ratio are printed
# (issue 4's goal: ratio <= 0.6).
#   bench/bench_ppk.sh [BIN_DIR] [RUNS]      (default build/bin, 21 runs)
set -eu
BIN=${1:-build/bin}
RUNS=${2:-21}
[ -x "$BIN/keyconv" ] || { echo "bench_ppk: no $BIN/keyconv; build first" >&2; exit 2; }
command -v puttygen >/dev/null || { echo "bench_ppk: puttygen not installed" >&2; exit 2; }
W=$(mktemp -d "${TMPDIR:-/tmp}/kkbench.XXXXXX")
trap 'rm -rf "$W"' EXIT
printf 'bench passphrase' >"$W/pw"
puttygen -q -t ed25519 -C bench --new-passphrase "$W/pw" -o "$W/key.ppk"
echo "file: $(grep -E '^(Key-Derivation|Argon2-Memory|Argon2-Passes|Argon2-Parallelism):' "$W/key.ppk" | tr '\n' ' ')"

ms() {   # ms CMD...: wall time of one run in milliseconds
    local a b
    a=$(date +%s%N); "$@" >/dev/null 2>&1; b=$(date +%s%N)
    echo $(((b - a) / 1000000))
}
median() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

: >"$W/kk" ; : >"$W/pg"
for _ in $(seq "$RUNS"); do
    rm -f "$W/a" "$W/b"
    ms "$BIN/keyconv" --passin "file:$W/pw" --no-encrypt --to openssh "$W/key.ppk" "$W/a" >>"$W/kk"
    ms puttygen "$W/key.ppk" --old-passphrase "$W/pw" -O private-openssh -o "$W/b" >>"$W/pg"
done
[ -s "$W/a" ] && [ -s "$W/b" ] || { echo "bench_ppk: a conversion failed" >&2; exit 1; }
kk=$(median <"$W/kk"); pg=$(median <"$W/pg")
echo "keyconv median:  $kk ms"
echo "puttygen median: $pg ms"
awk -v k="$kk" -v p="$pg" 'BEGIN {printf "ratio keyconv/puttygen: %.2f (goal <= 0.6)\n", k / p}'
