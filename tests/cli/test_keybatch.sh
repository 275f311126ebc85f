# keybatch end to end over a tree made now by puttygen and ssh-keygen: nested
# folders, names with spaces and UTF-8, PPK v2 and v3, plain and encrypted
# under several passphrases, one passphrase nobody knows, a corrupt and a
# truncated key, stray files, a public key, a link out of the tree.  Every
# converted key is proven with ssh-keygen against puttygen's public key, the
# report is read entry by entry, the inputs are hashed before and after, and
# a rerun changes nothing.
# shellcheck source=../lib.sh
source "$KK_LIB"
need ssh-keygen
need puttygen
need python3

TRY="Try 'keybatch --help'."
# Cheap Argon2 for most keys; two keep puttygen's defaults.
FAST=passes=1,memory=64

# ---- the tree
mkdir -p "legacy/team a/nested/deep" "legacy/Δ-team" legacy/broken legacy/keys
printf 'alpha' >pw.alpha
printf 'bravo' >pw.bravo
printf 'charlie' >pw.charlie
printf 'zulu' >pw.zulu
pg() {   # pg OUT PASSFILE COMMENT TYPE... [-- PPK-PARAMS]
    local out=$1 pf=$2 c=$3; shift 3
    puttygen -q -t "$@" -C "$c" --new-passphrase "$pf" -o "$out" 2>/dev/null ||
        { kk_fail "puttygen could not make $out"; exit 1; }
}
pg "legacy/team a/alice.ppk" pw.alpha alice ed25519 --ppk-param $FAST
pg "legacy/team a/bob ü.ppk" pw.bravo "bob ü" rsa -b 2048 --ppk-param $FAST
pg "legacy/team a/nested/deep/carol.ppk" pw.alpha carol ecdsa -b 256 --ppk-param version=2
pg "legacy/team a/nested/deep/dave.ppk" /dev/null dave ed25519 --ppk-param version=2
pg legacy/plain.ppk /dev/null plain ed25519
pg "legacy/Δ-team/erin.ppk" pw.charlie erin ed25519
pg "legacy/Δ-team/frank.ppk" pw.zulu frank ed25519 --ppk-param $FAST
ssh-keygen -q -t ed25519 -a 2 -N bravo -C "id@keys" -f legacy/keys/id_ed25519 </dev/null
# A corrupt key: one base64 character of the private line changed, so the
# MAC fails; a truncated one: an encrypted key cut after its public lines.
pg corrupt.src /dev/null corrupt ed25519
python3 - <<'EOF'
s = open('corrupt.src').read().split('\n')
i = next(k for k, l in enumerate(s) if l.startswith('Private-Lines')) + 1
l = list(s[i]); l[5] = 'A' if l[5] != 'A' else 'B'; s[i] = ''.join(l)
open('legacy/broken/corrupt.ppk', 'w').write('\n'.join(s))
EOF
head -n 6 "legacy/Δ-team/frank.ppk" >legacy/broken/truncated.ppk
printf 'These are our old PuTTY keys.\n' >legacy/README.txt
{ printf '\211PNG\r\n\032\n'; head -c 200 /dev/urandom; } >legacy/logo.png
ln -s /etc/passwd legacy/link_out
printf 'alpha\r\n\nbravo\n\ncharlie' >passes.txt

# The reference public keys, from puttygen (and ssh-keygen for OpenSSH).
declare -A REF
for f in "legacy/team a/alice.ppk" "legacy/team a/bob ü.ppk" \
         "legacy/team a/nested/deep/carol.ppk" "legacy/team a/nested/deep/dave.ppk" \
         legacy/plain.ppk "legacy/Δ-team/erin.ppk"; do
    REF[$f]=$(puttygen "$f" -O public-openssh 2>/dev/null | cut -d' ' -f1,2)
    [ -n "${REF[$f]}" ] || { kk_fail "no reference key for $f"; exit 1; }
done
REF[legacy/keys/id_ed25519]=$(publine legacy/keys/id_ed25519.pub)

# tree_sha DIR: one line per regular file, "SHA256  PATH", sorted.
tree_sha() { find "$1" -type f -print0 | sort -z | xargs -0 sha256sum; }
INPUTS=$(tree_sha legacy)
# no_temp DIR DESC: no keykit temp file anywhere under DIR
no_temp() {
    if find "$1" -name '*.kktmp*' 2>/dev/null | grep -q .; then kk_fail "$2: temp file left"
    else kk_pass; fi
}
# ossh_cipher FILE: the cipher named in an OpenSSH private key's header
ossh_cipher() {
    python3 -c '
import base64, struct, sys
lines = open(sys.argv[1]).read().split("\n")
b = base64.b64decode("".join(lines[1:lines.index("-----END OPENSSH PRIVATE KEY-----")]))
n = struct.unpack(">I", b[15:19])[0]
print(b[19:19 + n].decode())' "$1" 2>/dev/null
}
# check_key OUT PASS REF DESC: OUT holds REF's key; encrypted iff PASS is set
check_key() {
    local got
    got=$(ssh-keygen -y -P "$2" -f "$1" 2>/dev/null | cut -d' ' -f1,2)
    expect_eq "$got" "$3" "$4: ssh-keygen reads the key"
    if [ -n "$2" ]; then
        expect_false "$4: the empty passphrase does not open it" ssh-keygen -y -P "" -f "$1"
    fi
    expect_mode "$1" 600 "$4"
    expect_eq "$(publine "$1.pub")" "$3" "$4: the .pub line"
    expect_eq "$(wc -l <"$1.pub")" 1 "$4: the .pub is one line"
    expect_mode "$1.pub" 644 "$4"
}
# report FILE: one line per entry,
# "input|status|outputs;...|type|bits|sha256|encrypted|reason|error"
report() {
    python3 -c '
import json, sys
r = json.load(open(sys.argv[1], encoding="utf-8"))
assert r["version"] == 1 and r["tool"] == "keybatch", "header"
for f in r["files"]:
    assert sorted(f) == sorted(["input", "status", "outputs", "type", "bits", "sha256",
                                "encrypted", "reason", "error"]), f
    print("|".join("" if v is None else ";".join(v) if isinstance(v, list) else
                   str(v).lower() if isinstance(v, bool) else str(v)
                   for v in (f["input"], f["status"], f["outputs"], f["type"], f["bits"],
                             f["sha256"], f["encrypted"], f["reason"], f["error"])))
s = r["summary"]
print("summary|%d|%d|%d|%d" % (s["files"], s["converted"], s["skipped"], s["failed"]))' "$1"
}
fp() { ssh-keygen -lf "$1" | cut -d' ' -f2; }

# ---- help, version
run keybatch --help
expect_rc 0 "--help"
expect_out_has "Usage: keybatch [OPTIONS] -o DIR INPUT..." "--help"
expect_out_has "--passin-list FILE" "--help lists --passin-list"
expect_err "" "--help prints nothing on stderr"
run keybatch -V
expect_out "keybatch (keykit) $KK_VERSION" "-V"

# ---- usage errors: exit 2, nothing made
run keybatch legacy
expect_rc 2 "no -o"
expect_err "keybatch: missing -o DIR (where the converted keys go)
$TRY" "no -o"
run keybatch -o out
expect_rc 2 "no inputs"
expect_err "keybatch: missing INPUT (the files and directories to convert)
$TRY" "no inputs"
run keybatch -o "" legacy
expect_rc 2 "empty -o"
expect_err "keybatch: -o: the directory name is empty
$TRY" "empty -o"
run keybatch -o out - legacy
expect_rc 2 "- as an input"
expect_err "keybatch: keybatch reads files and directories, not standard input; name a file called - as ./-
$TRY" "- as an input"
run keybatch -o out --bogus legacy
expect_rc 2 "unknown option"
expect_err "keybatch: unknown option '--bogus'
$TRY" "unknown option"
run keybatch -o out --passout pass:x --no-encrypt legacy
expect_rc 2 "--passout with --no-encrypt"
expect_err "keybatch: --passout and --no-encrypt cannot be used together
$TRY" "--passout with --no-encrypt"
run keybatch -o out --to openssh-pub legacy
expect_rc 2 "public --to"
expect_err "keybatch: --to: openssh-pub is a public key format; keybatch writes private keys (and STEM.pub beside each)
keybatch: hint: use one of: openssh, ppk3, ppk2, pem, pkcs8, sshcom
$TRY" "public --to"
run keybatch -o out --to xyz legacy
expect_rc 2 "unknown --to"
expect_err_has "keybatch: --to: unknown format 'xyz'" "unknown --to"
run keybatch -o out -j 0 legacy
expect_rc 2 "--jobs 0"
expect_err "keybatch: --jobs: '0' is not a positive number
$TRY" "--jobs 0"
run keybatch -o out --jobs 999 legacy
expect_rc 2 "--jobs too many"
expect_err "keybatch: --jobs: '999' is more than 256
$TRY" "--jobs too many"
run keybatch -o out --passin stdin --passin-list - legacy
expect_rc 2 "two readers of stdin"
expect_err "keybatch: only one of --passin, --passin-list and --passout can read standard input
$TRY" "two readers of stdin"
run keybatch -o out --ppk-param passes=2 legacy
expect_rc 2 "--ppk-param for openssh"
expect_err_has "keybatch: --ppk-param applies only to PuTTY output" "--ppk-param for openssh"
run keybatch -o out --cipher rot13 --passin-list passes.txt legacy
expect_rc 2 "a cipher the format refuses"
expect_err "keybatch: unknown cipher 'rot13' for an OpenSSH key
keybatch: hint: use one of aes128-ctr, aes192-ctr, aes256-ctr, aes128-cbc, aes192-cbc, aes256-cbc, aes128-gcm@openssh.com, aes256-gcm@openssh.com, chacha20-poly1305@openssh.com, 3des-cbc
$TRY" "a cipher the format refuses"
: >empty.txt
printf '\n\r\n\n' >blank.txt
run keybatch -o out --passin-list blank.txt legacy
expect_rc 2 "a list with no passphrase"
expect_err "keybatch: --passin-list: blank.txt holds no passphrase
$TRY" "a list with no passphrase"
head -c 1100 /dev/zero | tr '\0' x >long.txt
run keybatch -o out --passin-list long.txt legacy
expect_rc 2 "a passphrase too long"
expect_err "keybatch: --passin-list: line 1 of long.txt is longer than 1024 bytes
$TRY" "a passphrase too long"
run keybatch -o out --passin-list nosuch.txt legacy
expect_rc 3 "a list that cannot be read"
expect_err "keybatch: --passin-list: nosuch.txt: cannot open: No such file or directory" \
    "a list that cannot be read"
run keybatch -o legacy legacy
expect_rc 2 "-o is the input directory"
expect_err "keybatch: -o legacy lies inside the input directory legacy; the converted keys would mix with their inputs
keybatch: hint: choose an output directory outside the inputs
$TRY" "-o is the input directory"
expect_no_file out "usage errors make no directory"

# ---- -o that cannot be used: exit 3, nothing made
: >afile
run keybatch -o afile legacy
expect_rc 3 "-o is a file"
expect_err "keybatch: -o afile: not a directory
keybatch: hint: -o names the directory the converted keys go to" "-o is a file"
run keybatch -o afile/sub/dir legacy
expect_rc 3 "-o under a file"
expect_err "keybatch: cannot create the directory afile: Not a directory" "-o under a file"
expect_no_file afile/sub "-o under a file"
run keybatch --dry-run -o afile/sub legacy
expect_rc 3 "--dry-run: -o under a file"
expect_err "keybatch: cannot create the directory afile: Not a directory" "--dry-run: -o under a file"
if [ "$(id -u)" -ne 0 ]; then       # root writes anywhere
    mkdir ro && chmod 555 ro
    run keybatch -o ro legacy
    expect_rc 3 "-o not writable"
    expect_err "keybatch: -o ro: cannot write to the directory: Permission denied" "-o not writable"
    chmod 755 ro
fi
: >taken.json
run keybatch -o out --report taken.json legacy
expect_rc 3 "the report exists"
expect_err "keybatch: taken.json: already exists and is not a keybatch report
keybatch: hint: choose another --report file, or use --force to replace it" "the report exists"
expect_no_file out "nothing made when the report exists"
expect_eq "$(tree_sha legacy)" "$INPUTS" "inputs unchanged by refused runs"

# ---- the migration
run keybatch --to openssh -o out --passin-list passes.txt --report r.json legacy
expect_rc 1 "first run: failures make exit 1"
expect_out "legacy/keys/id_ed25519 -> out/keys/id_ed25519
legacy/plain.ppk -> out/plain
legacy/team a/alice.ppk -> out/team a/alice
legacy/team a/bob ü.ppk -> out/team a/bob ü
legacy/team a/nested/deep/carol.ppk -> out/team a/nested/deep/carol
legacy/team a/nested/deep/dave.ppk -> out/team a/nested/deep/dave
legacy/Δ-team/erin.ppk -> out/Δ-team/erin" "first run: converted keys on stdout, in order"
FIRST_ERR="keybatch: legacy/README.txt: skipped: not a key in any format keykit reads
keybatch: legacy/broken/corrupt.ppk: MAC does not match: the file is corrupt or was edited
keybatch: legacy/broken/truncated.ppk:6: the file ends before the 'Key-Derivation' line
keybatch: legacy/keys/id_ed25519.pub: skipped: holds only a public key (openssh-pub); nothing to convert
keybatch: legacy/link_out: skipped: symbolic link out of the input tree; not followed
keybatch: legacy/logo.png: skipped: not a key in any format keykit reads
keybatch: legacy/Δ-team/frank.ppk: none of the 3 passphrases opens the key
keybatch: hint: add its passphrase to the --passin-list file; if it is there, the file is corrupt
keybatch: 14 files: 7 converted, 4 skipped, 3 failed"
expect_err "$FIRST_ERR" "first run: skipped and failed files on stderr, then the summary"
case "$OUT$ERR$(cat r.json)" in
    *alpha*|*bravo*|*charlie*) kk_fail "a passphrase was printed" ;; *) kk_pass ;; esac
expect_eq "$(tree_sha legacy)" "$INPUTS" "first run: inputs unchanged"
no_temp out "first run"

check_key "out/team a/alice" alpha "${REF[legacy/team a/alice.ppk]}" "alice (v3, alpha)"
check_key "out/team a/bob ü" bravo "${REF[legacy/team a/bob ü.ppk]}" "bob (v3 rsa, bravo)"
check_key "out/team a/nested/deep/carol" alpha "${REF[legacy/team a/nested/deep/carol.ppk]}" \
    "carol (v2, alpha)"
check_key "out/team a/nested/deep/dave" "" "${REF[legacy/team a/nested/deep/dave.ppk]}" \
    "dave (v2 plain)"
check_key out/plain "" "${REF[legacy/plain.ppk]}" "plain (v3 plain)"
check_key "out/Δ-team/erin" charlie "${REF[legacy/Δ-team/erin.ppk]}" "erin (v3 default Argon2)"
check_key out/keys/id_ed25519 bravo "${REF[legacy/keys/id_ed25519]}" "id_ed25519 (openssh)"
expect_eq "$(ossh_cipher "out/team a/alice")" aes256-ctr "alice: encrypted output's cipher"
expect_eq "$(ossh_cipher out/plain)" none "plain stays unencrypted"
expect_eq "$(ossh_cipher "out/team a/nested/deep/dave")" none "dave stays unencrypted"
expect_eq "$(sed -n 's/^[^ ]* [^ ]* //p' "out/team a/bob ü.pub")" "bob ü" "comment kept"
for f in out/broken out/link_out out/README out/logo out/keys/id_ed25519.pub.pub \
         "out/Δ-team/frank" "out/Δ-team/frank.pub"; do
    expect_no_file "$f" "nothing written for a skipped or failed file"
done
expect_eq "$(stat -c %a out "out/team a" "out/team a/nested/deep" | tr '\n' ' ')" \
    "700 700 700 " "made directories are 0700"
expect_eq "$(find out -type f | wc -l)" 14 "exactly the 7 pairs were written"

# The report, entry by entry.
F_ALICE=$(fp "out/team a/alice.pub") F_BOB=$(fp "out/team a/bob ü.pub")
F_CAROL=$(fp "out/team a/nested/deep/carol.pub") F_DAVE=$(fp "out/team a/nested/deep/dave.pub")
F_PLAIN=$(fp out/plain.pub) F_ERIN=$(fp "out/Δ-team/erin.pub") F_ID=$(fp out/keys/id_ed25519.pub)
F_PUB=$(fp legacy/keys/id_ed25519.pub)
WANT_REPORT="legacy/README.txt|skipped||||||not a key in any format keykit reads|
legacy/broken/corrupt.ppk|failed|||||||MAC does not match: the file is corrupt or was edited
legacy/broken/truncated.ppk|failed|||||||the file ends before the 'Key-Derivation' line
legacy/keys/id_ed25519|converted|out/keys/id_ed25519;out/keys/id_ed25519.pub|ssh-ed25519|256|$F_ID|true||
legacy/keys/id_ed25519.pub|skipped||ssh-ed25519|256|$F_PUB||holds only a public key (openssh-pub); nothing to convert|
legacy/link_out|skipped||||||symbolic link out of the input tree; not followed|
legacy/logo.png|skipped||||||not a key in any format keykit reads|
legacy/plain.ppk|converted|out/plain;out/plain.pub|ssh-ed25519|256|$F_PLAIN|false||
legacy/team a/alice.ppk|converted|out/team a/alice;out/team a/alice.pub|ssh-ed25519|256|$F_ALICE|true||
legacy/team a/bob ü.ppk|converted|out/team a/bob ü;out/team a/bob ü.pub|ssh-rsa|2048|$F_BOB|true||
legacy/team a/nested/deep/carol.ppk|converted|out/team a/nested/deep/carol;out/team a/nested/deep/carol.pub|ecdsa-sha2-nistp256|256|$F_CAROL|true||
legacy/team a/nested/deep/dave.ppk|converted|out/team a/nested/deep/dave;out/team a/nested/deep/dave.pub|ssh-ed25519|256|$F_DAVE|false||
legacy/Δ-team/erin.ppk|converted|out/Δ-team/erin;out/Δ-team/erin.pub|ssh-ed25519|256|$F_ERIN|true||
legacy/Δ-team/frank.ppk|failed|||||||none of the 3 passphrases opens the key
summary|14|7|4|3"
expect_eq "$(report r.json)" "$WANT_REPORT" "the report, entry by entry"
expect_mode r.json 644 "the report"
# The fingerprints in the report are ssh-keygen's of the inputs too.
expect_eq "$F_ALICE" "$(ssh-keygen -lf <(puttygen "legacy/team a/alice.ppk" -O public-openssh) \
    | cut -d' ' -f2)" "alice's fingerprint is the input's"

# ---- a rerun converts nothing and changes nothing
OUTPUTS=$(tree_sha out)
REPORT1=$(report r.json)
# The same command as the first run: its report is replaced by this run's.
run keybatch --to openssh -o out --passin-list passes.txt --report r.json legacy
expect_rc 1 "rerun: the same failures"
expect_out "" "rerun: nothing converted"
expect_err "keybatch: legacy/README.txt: skipped: not a key in any format keykit reads
keybatch: legacy/broken/corrupt.ppk: MAC does not match: the file is corrupt or was edited
keybatch: legacy/broken/truncated.ppk:6: the file ends before the 'Key-Derivation' line
keybatch: legacy/keys/id_ed25519: skipped: out/keys/id_ed25519 already exists
keybatch: hint: use --force to replace it
keybatch: legacy/keys/id_ed25519.pub: skipped: holds only a public key (openssh-pub); nothing to convert
keybatch: legacy/link_out: skipped: symbolic link out of the input tree; not followed
keybatch: legacy/logo.png: skipped: not a key in any format keykit reads
keybatch: legacy/plain.ppk: skipped: out/plain already exists
keybatch: legacy/team a/alice.ppk: skipped: out/team a/alice already exists
keybatch: legacy/team a/bob ü.ppk: skipped: out/team a/bob ü already exists
keybatch: legacy/team a/nested/deep/carol.ppk: skipped: out/team a/nested/deep/carol already exists
keybatch: legacy/team a/nested/deep/dave.ppk: skipped: out/team a/nested/deep/dave already exists
keybatch: legacy/Δ-team/erin.ppk: skipped: out/Δ-team/erin already exists
keybatch: legacy/Δ-team/frank.ppk: none of the 3 passphrases opens the key
keybatch: hint: add its passphrase to the --passin-list file; if it is there, the file is corrupt
keybatch: 14 files: 0 converted, 11 skipped, 3 failed" "rerun: every key skipped, the hint said once"
expect_eq "$(tree_sha out)" "$OUTPUTS" "rerun: no output changed"
expect_eq "$(tree_sha legacy)" "$INPUTS" "rerun: inputs unchanged"
expect_eq "$(report r.json | tail -n 1)" "summary|14|0|11|3" "rerun: the report is this run's"
expect_eq "$(report r.json | grep -c '|converted|')" 0 "rerun: the report lists nothing converted"
# Skipped before any passphrase is tried: no passphrase needed at all.
run keybatch -o out legacy
expect_rc 1 "rerun without passphrases"
expect_out "" "rerun without passphrases: nothing converted"
expect_err_has "keybatch: legacy/Δ-team/erin.ppk: skipped: out/Δ-team/erin already exists
keybatch: legacy/Δ-team/frank.ppk: the key is encrypted and no passphrase was given
keybatch: hint: give it with --passin SPEC, or candidates with --passin-list FILE
keybatch: 14 files: 0 converted, 11 skipped, 3 failed" "rerun without passphrases: encrypted keys skipped"
# Only the .pub is left: the key still counts as converted already.
rm out/plain
run keybatch -o out legacy/plain.ppk
expect_rc 0 "half a pair: skipped"
expect_err "keybatch: legacy/plain.ppk: skipped: out/plain.pub already exists
keybatch: hint: use --force to replace it
keybatch: 1 file: 0 converted, 1 skipped, 0 failed" "half a pair: skipped"
expect_no_file out/plain "half a pair: nothing written"

# ---- --force replaces (new salts, same keys and passphrases)
run keybatch --force -o out --passin-list passes.txt --report r.json legacy
expect_rc 1 "--force: the same failures"
expect_eq "$(printf '%s\n' "$OUT" | wc -l)" 7 "--force: all seven converted again"
expect_err "$FIRST_ERR" "--force: the same messages as the first run"
expect_eq "$(report r.json)" "$REPORT1" "--force: the report replaced, same entries"
[ "$(sha "out/team a/alice")" != "$(echo "$OUTPUTS" | grep ' out/team a/alice$' | cut -d' ' -f1)" ] &&
    kk_pass || kk_fail "--force: alice was not rewritten"
check_key "out/team a/alice" alpha "${REF[legacy/team a/alice.ppk]}" "--force: alice"
check_key out/plain "" "${REF[legacy/plain.ppk]}" "--force: plain"
expect_eq "$(tree_sha legacy)" "$INPUTS" "--force: inputs unchanged"
no_temp out "--force"

# ---- --dry-run writes nothing, not even directories, and reports the same
run keybatch --dry-run -o dry --passin-list passes.txt --report dry.json legacy
expect_rc 1 "--dry-run: the same failures"
expect_out "legacy/keys/id_ed25519 -> dry/keys/id_ed25519
legacy/plain.ppk -> dry/plain
legacy/team a/alice.ppk -> dry/team a/alice
legacy/team a/bob ü.ppk -> dry/team a/bob ü
legacy/team a/nested/deep/carol.ppk -> dry/team a/nested/deep/carol
legacy/team a/nested/deep/dave.ppk -> dry/team a/nested/deep/dave
legacy/Δ-team/erin.ppk -> dry/Δ-team/erin" "--dry-run: what would be converted"
expect_eq "$(printf '%s\n' "$ERR" | tail -n 1)" \
    "keybatch: dry run, nothing written: 14 files: 7 would be converted, 4 skipped, 3 failed" \
    "--dry-run: the summary says so"
expect_no_file dry "--dry-run: no directory"
expect_eq "$(report dry.json | sed 's/|dry\//|out\//; s/;dry\//;out\//')" "$REPORT1" \
    "--dry-run: the report is the real run's (decrypted for type and fingerprint)"
expect_eq "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["dry_run"])' dry.json)" \
    True "--dry-run: the report says dry_run"

# ---- --passout: one new passphrase for all; --no-encrypt: none
run keybatch -q -o po --passin-list passes.txt --passout pass:newpass "legacy/team a" legacy/plain.ppk
expect_rc 0 "--passout"
expect_out "" "-q: nothing on stdout"
expect_err "keybatch: 5 files: 5 converted, 0 skipped, 0 failed" "--passout"
check_key po/alice newpass "${REF[legacy/team a/alice.ppk]}" "--passout: alice"
check_key po/plain newpass "${REF[legacy/plain.ppk]}" "--passout: a plain input gets encrypted"
check_key po/nested/deep/dave newpass "${REF[legacy/team a/nested/deep/dave.ppk]}" \
    "--passout: dave (rel under a directory operand)"
expect_false "--passout: the old passphrase no longer opens it" ssh-keygen -y -P alpha -f po/alice
run keybatch -o ne --passin-list passes.txt --no-encrypt "legacy/team a"
expect_rc 0 "--no-encrypt"
expect_err "keybatch: warning: 3 outputs written unencrypted; their inputs were encrypted
keybatch: 4 files: 4 converted, 0 skipped, 0 failed" "--no-encrypt: one warning"
check_key ne/alice "" "${REF[legacy/team a/alice.ppk]}" "--no-encrypt: alice"
expect_eq "$(ossh_cipher ne/alice)" none "--no-encrypt: alice's header"

# ---- --passin alone, and no passphrase at all
run keybatch -o pi --passin pass:alpha "legacy/team a/alice.ppk" "legacy/team a/bob ü.ppk"
expect_rc 1 "--passin: one opens, one does not"
expect_out "legacy/team a/alice.ppk -> pi/alice" "--passin: alice"
expect_err "keybatch: legacy/team a/bob ü.ppk: the passphrase does not open the key
keybatch: hint: check it, or give candidates with --passin-list FILE; if it is right, the file is corrupt
keybatch: 2 files: 1 converted, 0 skipped, 1 failed" "--passin: the wrong one"
check_key pi/alice alpha "${REF[legacy/team a/alice.ppk]}" "--passin: alice"
expect_no_file "pi/bob ü" "--passin: nothing for bob"
run keybatch -o np "legacy/team a/alice.ppk" legacy/plain.ppk
expect_rc 1 "no passphrase"
expect_err "keybatch: legacy/team a/alice.ppk: the key is encrypted and no passphrase was given
keybatch: hint: give it with --passin SPEC, or candidates with --passin-list FILE
keybatch: 2 files: 1 converted, 0 skipped, 1 failed" "no passphrase"
# The list from standard input.
run keybatch -o sl --passin-list - "legacy/team a/alice.ppk" <passes.txt
expect_rc 0 "--passin-list -"
check_key sl/alice alpha "${REF[legacy/team a/alice.ppk]}" "--passin-list -"
# --passin and the list together, the same passphrase twice: tried once.
run keybatch -o both --passin file:pw.bravo --passin-list passes.txt "legacy/Δ-team/frank.ppk"
expect_err_has "none of the 3 passphrases opens the key" "a passphrase given twice counts once"

# ---- other formats: STEM.pem, STEM.p8, STEM.ppk (RSA for PEM and PKCS#8,
# which ssh-keygen reads)
for to in pem:.pem:bob pkcs8:.p8:bob ppk:.ppk:alice; do
    IFS=: read -r fmt ext who <<<"$to"
    [ "$who" = bob ] && who="bob ü"
    run keybatch -q -o "as_$fmt" --to "$fmt" --passin-list passes.txt "legacy/team a/$who.ppk"
    expect_rc 0 "--to $fmt"
    expect_eq "$(ls "as_$fmt" | tr '\n' '/')" "$who$ext/$who.pub/" "--to $fmt: names"
    expect_mode "as_$fmt/$who$ext" 600 "--to $fmt"
done
expect_eq "$(ssh-keygen -y -P bravo -f "as_pem/bob ü.pem" | cut -d' ' -f1,2)" \
    "${REF[legacy/team a/bob ü.ppk]}" "--to pem: ssh-keygen reads it"
expect_false "--to pem: encrypted" ssh-keygen -y -P "" -f "as_pem/bob ü.pem"
expect_file_has "as_pem/bob ü.pem" "-----BEGIN RSA PRIVATE KEY-----" "--to pem: PKCS#1"
expect_eq "$(ssh-keygen -y -P bravo -f "as_pkcs8/bob ü.p8" | cut -d' ' -f1,2)" \
    "${REF[legacy/team a/bob ü.ppk]}" "--to pkcs8: ssh-keygen reads it"
expect_file_has "as_pkcs8/bob ü.p8" "-----BEGIN ENCRYPTED PRIVATE KEY-----" "--to pkcs8: encrypted"
puttygen as_ppk/alice.ppk --old-passphrase pw.alpha --new-passphrase /dev/null \
    -O private-openssh -o back.key 2>/dev/null
expect_eq "$(ssh-keygen -y -P "" -f back.key 2>/dev/null | cut -d' ' -f1,2)" \
    "${REF[legacy/team a/alice.ppk]}" "--to ppk: puttygen opens it with the same passphrase"
expect_eq "$(head -n 1 as_ppk/alice.ppk)" "PuTTY-User-Key-File-3: ssh-ed25519" "--to ppk: v3"

# ---- two inputs, one output: the second fails, naming the first
mkdir dup
ssh-keygen -q -t ed25519 -N "" -C dup -m PEM -f dup/k </dev/null 2>/dev/null
mv dup/k dup/k.pem
rm dup/k.pub
cp legacy/plain.ppk dup/k.ppk
run keybatch -o dupout dup
expect_rc 1 "collision"
expect_out "dup/k.pem -> dupout/k" "collision: the first is converted"
expect_err "keybatch: dup/k.ppk: dupout/k is also the output of dup/k.pem; not written
keybatch: hint: rename one of the two inputs, or convert them in separate runs
keybatch: 2 files: 1 converted, 0 skipped, 1 failed" "collision: the second fails"
expect_eq "$(publine dupout/k.pub)" "$(ssh-keygen -y -f dup/k.pem | cut -d' ' -f1,2)" \
    "collision: the first one's key was kept"
run keybatch -o dupout dup
expect_err_has "keybatch: dup/k.ppk: dupout/k is also the output of dup/k.pem; not written" \
    "collision: a rerun still says so"
# The same file named twice.
run keybatch -o twice legacy/plain.ppk ./legacy/plain.ppk
expect_rc 0 "the same input twice"
expect_out "legacy/plain.ppk -> twice/plain" "the same input twice: converted once"
expect_err "keybatch: ./legacy/plain.ppk: skipped: the same file as legacy/plain.ppk, converted once
keybatch: 2 files: 1 converted, 1 skipped, 0 failed" "the same input twice: the second is skipped"
# Overlapping inputs: the keys under both are converted once.
run keybatch -q -o overlap --passin-list passes.txt "legacy/team a" "legacy/team a/nested"
expect_err_has "keybatch: legacy/team a/nested/deep/carol.ppk: skipped: the same file as legacy/team a/nested/deep/carol.ppk, converted once" \
    "overlapping inputs: converted once"
expect_no_file overlap/deep "overlapping inputs: no second copy"

# ---- -o inside an input directory: refused, even where it exists and
# holds keys (they would be neither converted nor reported, and --force
# could replace an input)
cp -r legacy inner
mkdir -p inner/converted && cp legacy/plain.ppk inner/converted/old.ppk
INNER=$(tree_sha inner)
for o in inner/converted inner/new "inner/team a" inner/../inner/x nonexist/../inner/sub; do
    run keybatch --force -o "$o" --passin-list passes.txt inner
    expect_rc 2 "-o $o inside the input"
    expect_err "keybatch: -o $o lies inside the input directory inner; the converted keys would mix with their inputs
keybatch: hint: choose an output directory outside the inputs
$TRY" "-o $o inside the input"
done
expect_no_file inner/new "-o inside the input: nothing made"
expect_no_file inner/sub "-o inside the input through a new directory and '..': nothing made"
expect_no_file nonexist "-o inside the input through a new directory and '..': not even that"
expect_eq "$(tree_sha inner)" "$INNER" "-o inside the input: inputs unchanged"

# ---- a file named directly, links inside the tree
mkdir lk
cp legacy/plain.ppk lk/real.ppk
ln -s real.ppk lk/alias.ppk
ln -s ../legacy lk/dirlink
run keybatch -o lkout lk
expect_rc 0 "links: alias and real write different outputs"
expect_out "lk/alias.ppk -> lkout/alias
lk/real.ppk -> lkout/real" "links: a link inside the tree is followed"
expect_err "keybatch: lk/dirlink: skipped: symbolic link to a directory; not followed
keybatch: 3 files: 2 converted, 1 skipped, 0 failed" "links: a directory link is not"
run keybatch -o direct "legacy/team a/nested/deep/dave.ppk" nosuch
expect_rc 1 "a missing input fails, the others go on"
expect_out "legacy/team a/nested/deep/dave.ppk -> direct/dave" "a file operand: REL is empty"
expect_err "keybatch: nosuch: cannot read: No such file or directory
keybatch: 2 files: 1 converted, 0 skipped, 1 failed" "a missing input"

# ---- names that are not UTF-8 or hold control bytes: escaped on the
# terminal and in the report (which stays valid JSON), written as they are
mkdir odd
cp legacy/plain.ppk "odd/$(printf 'bad\377name.ppk')"
cp legacy/plain.ppk "odd/$(printf 'new\nline.ppk')"
run keybatch -o oddout --report odd.json odd
expect_rc 0 "odd names"
expect_out 'odd/bad\xFFname.ppk -> oddout/bad\xFFname
odd/new\x0Aline.ppk -> oddout/new\x0Aline' "odd names: escaped on stdout"
expect_true "odd names: the real names written" test -f "oddout/$(printf 'bad\377name')" -a \
    -f "oddout/$(printf 'new\nline.pub')"
expect_eq "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["files"][0]["outputs"][1])' odd.json)" \
    'oddout/bad\xFFname.pub' "odd names: the report shows the bytes as keybatch's messages do"
expect_file_has odd.json '"input": "odd/new\u000Aline.ppk"' "odd names: a newline escaped in JSON"

# ---- encryption settings with nothing to encrypt: said once
run keybatch -o cw --cipher aes128-ctr --rounds 4 legacy/plain.ppk
expect_rc 0 "--cipher with no encrypted output"
expect_err "keybatch: warning: --cipher, --rounds: no effect, no output is encrypted
keybatch: 1 file: 1 converted, 0 skipped, 0 failed" "--cipher with no encrypted output"
run keybatch -o cw2 --cipher aes128-ctr --passout pass:pw legacy/plain.ppk
expect_err "keybatch: 1 file: 1 converted, 0 skipped, 0 failed" "--cipher used"
expect_eq "$(ossh_cipher cw2/plain)" aes128-ctr "--cipher used"

# ---- --jobs 1 and 2 agree
run keybatch -o j1 --jobs 1 --passin-list passes.txt --report j1.json legacy
OUT1=$OUT ERR1=$ERR
run keybatch -o j2 -j 2 --passin-list passes.txt --report j2.json legacy
expect_eq "$(printf '%s' "$OUT" | sed 's/j2/j1/g')" "$OUT1" "--jobs 1 and 2: the same stdout"
expect_eq "$ERR" "$ERR1" "--jobs 1 and 2: the same stderr"
expect_eq "$(report j2.json | sed 's/j2\//j1\//g')" "$(report j1.json)" "--jobs 1 and 2: the same report"

# ---- progress on a terminal only
if command -v script >/dev/null 2>&1; then
    TTY=$(TERM=dumb timeout 60 script -qec "keybatch -o tty --passin-list passes.txt 'legacy/team a'" \
          /dev/null 2>&1 | tr '\r' '\n')
    case "$TTY" in *"[========================] 4/4 converted 4, skipped 0, failed 0"*) kk_pass ;;
        *) kk_fail "progress bar on a terminal"; echo "  got: $TTY" >&2 ;; esac
    case "$TTY" in *"keybatch: 4 files: 4 converted, 0 skipped, 0 failed"*) kk_pass ;;
        *) kk_fail "summary on a terminal" ;; esac
fi
case "$ERR" in *"["*) kk_fail "a progress bar without a terminal" ;; *) kk_pass ;; esac

# ---- interrupted (SIGTERM; a script's background job ignores SIGINT, and
# Ctrl-C takes the same path): the keys in hand finish, nothing is
# half-written, the process dies of the signal
mkdir slow
for i in 1 2 3 4 5; do
    pg "slow/k$i.ppk" pw.alpha "slow $i" ed25519 --ppk-param passes=6,memory=32768
done
keybatch -j 1 -o sout --passin file:pw.alpha slow >sig.out 2>sig.err &
pid=$!
for _ in $(seq 200); do [ -e sout/k1.pub ] && break; sleep 0.05; done
kill -TERM $pid
wait $pid
RC=$?
expect_eq "$RC" 143 "interrupted: dies of SIGTERM"
case "$(cat sig.err)" in *"keybatch: interrupted after "*" of 5 files: "*) kk_pass ;;
    *) kk_fail "interrupted: the summary says so"; cat sig.err >&2 ;; esac
no_temp sout "interrupted"
expect_true "interrupted: not every key was converted" test ! -e sout/k5
for i in 1 2 3 4 5; do
    if [ -e "sout/k$i" ] || [ -e "sout/k$i.pub" ]; then
        check_key "sout/k$i" alpha "$(puttygen "slow/k$i.ppk" -O public-openssh | cut -d' ' -f1,2)" \
            "interrupted: k$i whole"
    fi
done
expect_eq "$(grep -c ' -> ' sig.out)" "$(ls sout | grep -vc '\.pub$')" "interrupted: what is listed is written"

# Killed outright (SIGKILL, a crash): the keys being written have no name
# until their commit, so nothing half-written and no temp file is left.
keybatch -j 2 -o kout --passin file:pw.alpha slow >/dev/null 2>&1 &
pid=$!
for _ in $(seq 200); do [ -e kout/k1.pub ] && break; sleep 0.05; done
kill -KILL $pid
wait $pid
expect_eq "$?" 137 "SIGKILL: killed"
no_temp kout "SIGKILL"
for k in kout/k*; do
    case $k in *.pub) continue ;; esac
    check_key "$k" alpha "$(publine "$k.pub")" "SIGKILL: $k whole, with its .pub"
done

# ---- --force with a directory in the way of one output: the pair fails
# whole, the old key stays
mkdir fdir
cp legacy/plain.ppk fdir/p.ppk
keybatch -q -o fout fdir >/dev/null 2>&1
OLD=$(sha256sum <fout/p)
rm fout/p.pub && mkdir fout/p.pub
run keybatch --force -o fout fdir
expect_rc 1 "--force, a directory in the way"
expect_err "keybatch: fdir/p.ppk: cannot create fout/p.pub: Is a directory
keybatch: 1 file: 0 converted, 0 skipped, 1 failed" "--force, a directory in the way: said"
expect_eq "$(sha256sum <fout/p)" "$OLD" "--force, a directory in the way: the old key kept"
no_temp fout "--force, a directory in the way"

# ---- a stray file larger than the input cap is skipped like any
# non-key; a key that large fails
mkdir bigdir
cp legacy/plain.ppk bigdir/k.ppk
{ printf '\211PNG\r\n\032\n'; head -c 1100000 /dev/zero; } >bigdir/photo.png
{ cat legacy/plain.ppk; head -c 1100000 /dev/zero | tr '\0' 'A'; } >bigdir/huge.ppk
# A key after more blank lines than the head that is sniffed: still a key.
{ for _ in $(seq 5000); do echo; done; cat legacy/plain.ppk; head -c 1100000 /dev/zero | tr '\0' ' '; } \
    >bigdir/padded.ppk
run keybatch -o bigout bigdir
expect_rc 1 "large files"
expect_err "keybatch: bigdir/huge.ppk: input is larger than 1048576 bytes
keybatch: hint: raise the limit with --max-input-size
keybatch: bigdir/padded.ppk: input is larger than 1048576 bytes
keybatch: bigdir/photo.png: skipped: not a key in any format keykit reads
keybatch: 4 files: 1 converted, 1 skipped, 2 failed" "large files: the image skipped, the key failed"

# ---- a passphrase list saved with a byte-order mark (Notepad)
printf '\xef\xbb\xbfalpha\r\n' >bom.txt
run keybatch -o bomout --passin-list bom.txt "legacy/team a/alice.ppk"
expect_rc 0 "a list with a BOM"
check_key bomout/alice alpha "${REF[legacy/team a/alice.ppk]}" "a list with a BOM: alpha opened alice"

# ---- stdout closed early (keybatch | head): the run stops as for Ctrl-C;
# the keys staged ahead of the commits are committed or removed, never left
# as temp files
mkdir pipe
cp slow/k1.ppk pipe/a.ppk
for i in $(seq 12); do cp legacy/plain.ppk "pipe/b$i.ppk"; done
keybatch -j 2 -o pipeout --passin file:pw.alpha pipe 2>pipe.err | true
RC=${PIPESTATUS[0]}
expect_eq "$RC" 141 "stdout closed: dies of SIGPIPE"
case "$(cat pipe.err)" in *"keybatch: interrupted after "*" of 13 files: "*) kk_pass ;;
    *) kk_fail "stdout closed: the summary says so"; cat pipe.err >&2 ;; esac
no_temp pipeout "stdout closed"
expect_true "stdout closed: a.ppk converted" test -e pipeout/a.pub
for f in pipeout/*.pub; do
    k=${f%.pub} pw=""
    [ "$k" = pipeout/a ] && pw=alpha
    check_key "$k" "$pw" "$(publine "$k.pub")" "stdout closed: $k whole"
done

# ---- a file replaced after the walk, before it is read: a FIFO is not
# opened (the open would wait for ever), a link out of the tree is not
# followed; both fail, the others go on
mkdir race
cp slow/k1.ppk race/a.ppk
cp legacy/plain.ppk race/b.ppk
cp legacy/plain.ppk race/c.ppk
cp legacy/plain.ppk outside.ppk
keybatch -j 1 -o raceout --passin file:pw.alpha race >race.out 2>race.err &
pid=$!
# Were it to hang on the FIFO: killed after 30 s (the watchdog ends with it).
( for _ in $(seq 300); do sleep 0.1; kill -0 $pid || exit 0; done; kill -KILL $pid ) \
    >/dev/null 2>&1 &
dog=$!
# The worker starts once the inputs are listed; a.ppk keeps it busy.
for _ in $(seq 500); do
    [ "$(ls /proc/$pid/task 2>/dev/null | wc -l)" -gt 1 ] && break
    sleep 0.01
done
rm race/b.ppk race/c.ppk
mkfifo race/b.ppk
ln -s "$T/outside.ppk" race/c.ppk
wait $pid
RC=$?
wait $dog
expect_eq "$RC" 1 "replaced inputs: failed, not hung"
expect_eq "$(cat race.err)" "keybatch: race/b.ppk: replaced by another file after keybatch listed the inputs; not read
keybatch: hint: run keybatch again once the files stay put
keybatch: race/c.ppk: replaced by another file after keybatch listed the inputs; not read
keybatch: 3 files: 1 converted, 0 skipped, 2 failed" "replaced inputs: said"
expect_eq "$(cat race.out)" "race/a.ppk -> raceout/a" "replaced inputs: the others converted"
expect_no_file raceout/b "replaced inputs: nothing from the FIFO"
expect_no_file raceout/c "replaced inputs: nothing from outside the tree"

finish
