# The terminal prompt: run the tools on a pseudo-terminal (util-linux
# script) and type at them.  Checks the prompt text, that nothing typed is
# echoed, that echo is back on afterwards, keygen's two prompts, and colour
# only without NO_COLOR.
# shellcheck source=../lib.sh
source "$KK_LIB"
need ssh-keygen
need script

# on_tty CMD [TEXT...]: runs the shell command CMD on a pty and types each
# TEXT (printf %b) one second apart, the first after two: the prompt
# flushes type-ahead, as ssh's does.  Output in $OUT without CRs, CMD's status in $RC.
on_tty() {
    local cmd=$1; shift
    OUT=$( (sleep 1; for t in "$@"; do sleep 1; printf '%b' "$t"; done; sleep 1) |
           TERM=xterm timeout 30 script -qec "$cmd; echo \$? > '$T/.rc'" /dev/null 2>&1 |
           tr -d '\r')
    RC=$(cat "$T/.rc" 2>/dev/null || echo 99)
    rm -f "$T/.rc"
}

sshkey rsa 2048 encpem "secret" "pem@test"
ssh-keygen -q -p -m PEM -P secret -N secret -f encpem >/dev/null

# ---- keyconv asks for the input's passphrase
on_tty "NO_COLOR=1 keyconv --to pem encpem out.pem; stty -a | grep -o -- '-\\?echo ' | head -n 1" 'secret\n'
expect_eq "$RC" 0 "prompt: keyconv succeeds"
expect_out_has "Enter passphrase for encpem: " "prompt text"
case "$OUT" in *secret*) kk_fail "prompt: the passphrase was echoed" ;; *) kk_pass ;; esac
expect_out_has "echo " "prompt: echo is back on afterwards"
case "$OUT" in *-echo*) kk_fail "prompt: echo left off" ;; *) kk_pass ;; esac
expect_true "prompt: output keeps the passphrase" ssh-keygen -y -P secret -f out.pem
expect_false "prompt: output is encrypted" ssh-keygen -y -P "" -f out.pem

on_tty "NO_COLOR=1 keyconv --to pem encpem out2.pem" 'wrong\n'
expect_eq "$RC" 1 "prompt: wrong passphrase"
expect_out_has "keyconv: encpem:1: wrong passphrase" "prompt: wrong passphrase message"
expect_no_file out2.pem "prompt: wrong passphrase"

on_tty "NO_COLOR=1 keyconv --to pem encpem out3.pem" '\004'
expect_eq "$RC" 1 "prompt: end of input"
expect_out_has "keyconv: encpem:1: no passphrase was entered" "prompt: end of input message"
expect_no_file out3.pem "prompt: end of input"

# A signal at the prompt kills the tool but not the terminal's echo.  (The
# empty TEXTs keep the terminal open well past the kill.)
on_tty "keyconv --to pem encpem out6.pem </dev/tty & p=\$!; sleep 2; kill -TERM \$p; wait \$p; echo status=\$?; stty -a </dev/tty | grep -o -- '-\\?echo ' | head -n 1" '' '' '' '' ''
expect_out_has "status=143" "SIGTERM at the prompt ends keyconv by the signal"
case "$OUT" in *-echo*) kk_fail "SIGTERM at the prompt: echo left off" ;; *echo*) kk_pass ;;
    *) kk_fail "SIGTERM at the prompt: no stty output" ;; esac
expect_no_file out6.pem "SIGTERM at the prompt"

# The file name in the prompt is escaped too.
cp encpem "$(printf 'enc\033[2Jx')"
on_tty "NO_COLOR=1 keyconv --to pem \"\$(printf 'enc\\033[2Jx')\" out5.pem" 'secret\n'
expect_eq "$RC" 0 "prompt for an odd name"
expect_out_has 'Enter passphrase for enc\x1B[2Jx: ' "prompt escapes the name"

# --passin wins over the terminal: no prompt.
on_tty "keyconv --to pem --passin pass:secret encpem out4.pem"
expect_eq "$RC" 0 "--passin on a terminal"
case "$OUT" in *Enter*) kk_fail "--passin on a terminal: prompted" ;; *) kk_pass ;; esac

# ---- keygen asks twice
on_tty "keygen -q -t rsa -b 2048 --format pem -f kg2" 'kgpass\n' 'kgpass\n'
expect_eq "$RC" 0 "keygen prompts"
expect_out_has "Enter passphrase (empty for no passphrase): " "keygen first prompt"
expect_out_has "Enter same passphrase again: " "keygen second prompt"
case "$OUT" in *kgpass*) kk_fail "keygen: the passphrase was echoed" ;; *) kk_pass ;; esac
expect_true "keygen prompt: encrypted with it" ssh-keygen -y -P kgpass -f kg2
expect_false "keygen prompt: not with the empty one" ssh-keygen -y -P "" -f kg2

on_tty "NO_COLOR=1 keygen -q -f kg3" 'one\n' 'two\n'
expect_eq "$RC" 1 "keygen: passphrases differ"
expect_out_has "keygen: passphrases do not match" "keygen: passphrases differ"
expect_no_file kg3 "keygen: passphrases differ"
expect_no_file kg3.pub "keygen: passphrases differ"
case "$OUT" in *$'\033'*) kk_fail "NO_COLOR: colour used" ;; *) kk_pass ;; esac

on_tty "env -u NO_COLOR keygen -q -f kg4" 'one\n' 'two\n'
case "$OUT" in *$'\033['*) kk_pass ;; *) kk_fail "colour on a terminal without NO_COLOR" ;; esac

on_tty "keygen -q -f kg5" '\n' '\n'
expect_eq "$RC" 0 "keygen: empty passphrase at the prompt"
expect_true "keygen: empty passphrase means unencrypted" ssh-keygen -y -P "" -f kg5

finish
