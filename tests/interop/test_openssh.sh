#!/usr/bin/env bash
# keyconv to and from the OpenSSH formats (openssh private, openssh-pub,
# RFC 4716), for every key type, from keys made by ssh-keygen and by openssl.
# Every output is read by ssh-keygen (and RFC 4716 comments by puttygen) and
# must give the same public key; every ssh-keygen output is read by keyconv.
source "$KK_LIB"
source "$KK_SRC/tests/interop/interop.sh"
need ssh-keygen
need openssl
need keyconv

have_puttygen=0
command -v puttygen >/dev/null 2>&1 && have_puttygen=1

# comment_of_line FILE: everything after the second field of line 1.
comment_of_line() { sed -n '1s/^[^ ]* [^ ]* \{0,1\}//p' "$1"; }

for type in $KK_TYPES; do
    for tool in ssh ossl; do
        k=$type-$tool
        make_key "$type" "$tool" "$k" || { kk_fail "$k: could not make the key"; continue; }
        ref_ids "$k" || { kk_fail "$k: no reference public key from ssh-keygen/openssl"; continue; }
        comment=""
        [ "$tool" = ssh ] && comment="c-$type@ssh"

        # ---- keyconv -> openssh private, read by ssh-keygen -y
        o=out-$k.openssh
        if keyconv_ok "$k -> openssh" --to openssh "$k" "$o"; then
            expect_eq "$(head -n 1 "$o")" "-----BEGIN OPENSSH PRIVATE KEY-----" "$k -> openssh: armour"
            expect_mode "$o" 600 "$k -> openssh"
            # -P '' : opens only if unencrypted, as it should be here.
            expect_same_key "$(ssh_id_priv "$o")" "$k -> openssh: ssh-keygen -y"
            # The comment travels openssh -> openssh (ssh-keygen -y prints it).
            got=$(ssh-keygen -y -P '' -f "$o" 2>/dev/null | sed -n '1s/^[^ ]* [^ ]* \{0,1\}//p')
            expect_eq "$got" "$comment" "$k -> openssh: comment kept"
        fi

        # --comment replaces it, as ssh-keygen sees.
        o=out-$k.comment
        if keyconv_ok "$k -> openssh --comment" --comment "new comment $type" "$k" "$o"; then
            got=$(ssh-keygen -y -P '' -f "$o" 2>/dev/null | sed -n '1s/^[^ ]* [^ ]* //p')
            expect_eq "$got" "new comment $type" "$k -> openssh --comment: ssh-keygen -y"
        fi

        # ---- keyconv -> openssh-pub (format chosen by the .pub extension)
        o=out-$k.pub
        if keyconv_ok "$k -> openssh-pub" "$k" "$o"; then
            expect_mode "$o" 644 "$k -> openssh-pub"
            got=$(ssh-keygen -l -f "$o" 2>/dev/null | awk '{print $1, $2, $NF}')
            expect_eq "$got" "$(fp_of "$REF_SSH")" "$k -> openssh-pub: ssh-keygen -l"
            expect_eq "$(ssh_id_line "$o")" "$REF_SSH" "$k -> openssh-pub: same blob as ssh-keygen -y"
            expect_eq "$(comment_of_line "$o")" "$comment" "$k -> openssh-pub: comment kept"
            expect_eq "$(wc -l <"$o")" 1 "$k -> openssh-pub: one line"
        fi

        # ---- keyconv -> RFC 4716, read by ssh-keygen -i and puttygen
        o=out-$k.rfc4716
        if keyconv_ok "$k -> rfc4716" --to rfc4716 "$k" "$o"; then
            expect_mode "$o" 644 "$k -> rfc4716"
            expect_eq "$(head -n 1 "$o")" "---- BEGIN SSH2 PUBLIC KEY ----" "$k -> rfc4716: armour"
            expect_eq "$(tail -n 1 "$o")" "---- END SSH2 PUBLIC KEY ----" "$k -> rfc4716: end line"
            expect_same_key "$(ssh_id_import "$o" RFC4716)" "$k -> rfc4716: ssh-keygen -i -m RFC4716"
            # ssh-keygen -i drops comments; puttygen keeps them, so it shows
            # the Comment: header carried the key's comment.
            if [ $have_puttygen -eq 1 ] && [ -n "$comment" ]; then
                puttygen "$o" -O public-openssh -o "$o.putty" </dev/null >/dev/null 2>&1
                expect_eq "$(ssh_id_line "$o.putty" 2>/dev/null)" "$REF_SSH" "$k -> rfc4716: puttygen reads it"
                expect_eq "$(comment_of_line "$o.putty" 2>/dev/null)" "$comment" "$k -> rfc4716: comment kept (puttygen)"
            fi
        fi

        # ---- back: keyconv reads what ssh-keygen wrote
        if [ "$tool" = ssh ]; then
            # the .pub ssh-keygen wrote beside the key, to stdout
            run keyconv --to openssh-pub "$k.pub" - </dev/null
            expect_rc 0 "$k.pub (ssh-keygen) -> keyconv"
            expect_eq "$OUT" "$(cat "$k.pub")" "$k.pub (ssh-keygen) -> openssh-pub: same line"
        fi
        # RFC 4716 written by ssh-keygen -e; its Comment: header becomes the comment
        # (from the .pub: ssh-keygen 9.2 cannot read openssl's PKCS#8 Ed25519)
        if [ "$tool" = ssh ]; then src=$k.pub; else src=ref-$k.pub; printf '%s\n' "$REF_SSH" >"$src"; fi
        ssh-keygen -e -f "$src" >"ssh-$k.rfc4716" 2>/dev/null
        if [ -s "ssh-$k.rfc4716" ]; then
            run keyconv --to openssh-pub "ssh-$k.rfc4716" - </dev/null
            expect_rc 0 "ssh-keygen -e ($k) -> keyconv"
            printf '%s\n' "$OUT" >"back-$k.pub"
            expect_eq "$(ssh_id_line "back-$k.pub")" "$REF_SSH" "ssh-keygen -e ($k) -> keyconv: same key"
            want=$(sed -n 's/^Comment: "\(.*\)"$/\1/p' "ssh-$k.rfc4716")
            expect_eq "$(comment_of_line "back-$k.pub")" "$want" "ssh-keygen -e ($k) -> keyconv: comment"
        else
            kk_fail "ssh-keygen -e could not export $k"
        fi
    done
done

# ---- unusual comments survive openssh -> openssh-pub -> rfc4716 -> openssh-pub
ssh-keygen -q -t ed25519 -N '' -C 'Ünïcode user@host with  two  spaces' -f uni </dev/null >/dev/null
keyconv_ok "unicode comment -> rfc4716" --to rfc4716 uni uni.rfc4716 &&
    keyconv_ok "rfc4716 -> openssh-pub" uni.rfc4716 uni-back.pub &&
    expect_eq "$(comment_of_line uni-back.pub)" 'Ünïcode user@host with  two  spaces' \
        "comment with UTF-8 and double spaces survives rfc4716"
# a comment long enough that RFC 4716 must wrap the header line
long=$(printf 'x%.0s' $(seq 1 150))
ssh-keygen -q -t ed25519 -N '' -C "$long" -f longc </dev/null >/dev/null
ref_ids longc || kk_fail "longc: no reference"
if keyconv_ok "long comment -> rfc4716" --to rfc4716 longc longc.rfc4716; then
    maxlen=$(awk '{ if (length($0) > m) m = length($0) } END { print m }' longc.rfc4716)
    if [ "$maxlen" -le 72 ]; then kk_pass; else kk_fail "rfc4716 line of $maxlen characters (RFC 4716 says at most 72)"; fi
    expect_same_key "$(ssh_id_import longc.rfc4716 RFC4716)" "long comment rfc4716: ssh-keygen -i"
    keyconv_ok "long comment rfc4716 -> openssh-pub" longc.rfc4716 longc-back.pub &&
        expect_eq "$(comment_of_line longc-back.pub)" "$long" "long comment survives rfc4716 wrapping"
fi

finish
