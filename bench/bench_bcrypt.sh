#!/usr/bin/env bash
# Decrypting an Ed25519 openssh-key-v1 key that ssh-keygen encrypted with 16
# bcrypt rounds (its default) and aes256-ctr: keyconv printing the public key
# on stdout vs `ssh-keygen -y -P PASS -f FILE`, which does the same (writing
# a file instead would add keyconv's fsyncs to its time).  Runs alternate so both see the same
# machine state; the medians and their ratio are printed (issue 5's goal:
# ratio <= 0.6), after checking that both print the same public key.  Check
# `uptime` first: other builds on the machine make the numbers noisy.
#   bench/bench_bcrypt.sh [BIN_DIR] [RUNS] [ROUNDS]   (build/bin, 21, 16)
set -eu
BIN=${1:-build/bin}
RUNS=${2:-21}
ROUNDS=${3:-16}
[ -x "$BIN/keyconv" ] || { echo "bench_bcrypt: no $BIN/keyconv; build first" >&2; exit 2; }
command -v ssh-keygen >/dev/null || { echo "bench_bcrypt: ssh-keygen not installed" >&2; exit 2; }
W=$(mktemp -d "${TMPDIR:-/tmp}/kkbench.XXXXXX")
trap 'rm -rf "$W"' EXIT
PASS='bench passphrase'
printf '%s' "$PASS" >"$W/pw"
ssh-keygen -q -t ed25519 -a "$ROUNDS" -N "$PASS" -C bench -f "$W/key" </dev/null
echo "file: ed25519, $(sed -n 2p "$W/key" | base64 -d 2>/dev/null | tr -c 'a-z0-9-' ' ' | awk '{print $2 ", " $3}'), $ROUNDS rounds; load: $(uptime | sed 's/.*load/load/')"

ms() {   # ms CMD...: wall time of one run in milliseconds
    local a b
    a=$(date +%s%N); "$@" >/dev/null 2>&1; b=$(date +%s%N)
    echo $(((b - a) / 1000000))
}
median() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

: >"$W/kk"; : >"$W/sk"
for _ in $(seq "$RUNS"); do
    ms "$BIN/keyconv" --passin "file:$W/pw" --to openssh-pub "$W/key" - >>"$W/kk"
    ms ssh-keygen -y -P "$PASS" -f "$W/key" >>"$W/sk"
done
want=$(ssh-keygen -y -P "$PASS" -f "$W/key" | cut -d' ' -f1,2)
got=$("$BIN/keyconv" --passin "file:$W/pw" --to openssh-pub "$W/key" - | cut -d' ' -f1,2)
[ -n "$want" ] && [ "$got" = "$want" ] || { echo "bench_bcrypt: outputs differ" >&2; exit 1; }
kk=$(median <"$W/kk"); sk=$(median <"$W/sk")
echo "same public key: yes"
echo "keyconv median:    $kk ms"
echo "ssh-keygen median: $sk ms"
awk -v k="$kk" -v s="$sk" 'BEGIN {printf "ratio keyconv/ssh-keygen: %.2f (goal <= 0.6)\n", k / s}'
