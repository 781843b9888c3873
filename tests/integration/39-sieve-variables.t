#!/bin/bash
# The variables extension (RFC 5229) and encoded-character (RFC 5228
# section 2.4.2.4) in the native engine: the folder each script files
# into, exactly, as Pigeonhole's sieve-test reports it for the same
# script and message.
. "$(dirname "$0")/sieve-lib.sh"
plan 26

mail "$TMP/m" "From: Wile <wile@acme.example>" "To: bob@example.org" \
    "Subject: [acme-users] [fwd] version 1.0 is out" \
    "List-Id: Dovecot Users <Dovecot.Example.ORG>" \
    "X-Wild: a*b" "Message-ID: <v1@example.org>"

# run SCRIPT-BODY [ARGS...]: "RC:folders" after delivering $TMP/m (with
# "mailbox" required too when $MAILBOX says so)
MAILBOX=
run() {
	local body=$1; shift
	reset_md
	script "require [\"variables\", \"fileinto\", $MAILBOX\"encoded-character\", \"relational\", \"comparator-i;ascii-numeric\"];
$body"
	sdlv "$TMP/m" "$@"
	echo "$RC:$(landed)"
}

MAILBOX='"mailbox", '
is "$(run 'if header :matches "List-Id" "*<*.*>*" { set :lower "list" "${2}"; fileinto :create "Lists.${list}"; }')" \
    "0:Lists.dovecot/new" "List-Id example: :matches, \${2}, set :lower, fileinto :create"
ok "the folder is .Lists.dovecot on disk" test -d "$MD/.Lists.dovecot/new"
MAILBOX=
is "$(run 'if header :matches "List-Id" "*<*.*>*" { fileinto "x${1}x${2}x${3}x${4}x"; }')" \
    "0:xDovecot Users xDovecotxExample.ORGxx/new" "each wildcard is a match variable, the first * shortest"
is "$(run 'if header :matches "X-None" "*" { fileinto "Never"; }')" "0:INBOX/new" \
    "no header, no match: implicit keep"
is "$(run 'if header :matches "Subject" "[*] *" { fileinto "${1}"; }')" \
    "0:acme-users/new" "RFC 5229 section 3.2 example"
is "$(run 'if header :matches "Subject" "[*] *" {} if header :matches "Subject" "no*" {} fileinto "${1}";')" \
    "0:acme-users/new" "a failed match leaves the match variables alone"
is "$(run 'if anyof (true, header :matches "Subject" "*") { fileinto "z${0}z"; }')" \
    "0:zz/new" "short-circuit: no match variables set"

# set and its modifiers
is "$(run 'set :upperfirst :lower "f" "wORK"; fileinto "${F}";')" "0:Work/new" \
    ":lower before :upperfirst whatever the order; names case-insensitive"
is "$(run 'set :length "n" "Grüße"; fileinto "Len${n}";')" "0:Len5/new" \
    ":length counts UTF-8 characters"
is "$(run 'set "a" "x"; set "a" "${a}y${a}"; fileinto "${a}";')" "0:xyx/new" \
    "a value built from itself"
is "$(run 'fileinto "A${nothing}B${9}C";')" "0:ABC/new" \
    "unknown variables and unset match variables are empty"
is "$(run 'set "s" "$"; fileinto "${s}{s}";')" '0:${s}/new' \
    "expansion is one pass"
is "$(run 'set :quotewildcard "q" "a*b"; if header :matches "X-Wild" "${q}" { fileinto "Quoted"; }')" \
    "0:Quoted/new" ":quotewildcard makes a literal :matches key"
is "$(run 'set "big" "0123456789"; set "big" "${big}${big}${big}${big}${big}${big}${big}${big}${big}${big}"; set "big" "${big}${big}${big}${big}${big}${big}${big}${big}${big}${big}"; set "big" "${big}${big}${big}${big}${big}"; set :length "n" "${big}"; fileinto "Len${n}";' -o sieve_variables_max_variable_size=4000)" \
    "0:Len4000/new" "a 5000-byte value is cut to sieve_variables_max_variable_size"

# string
is "$(run 'set "x" "Value"; if string "${x}" "value" { fileinto "Casemap"; } else { fileinto "Octet"; }')" \
    "0:Octet/new" "string compares with i;octet by default (as Pigeonhole)"
is "$(run 'if string :count "eq" :comparator "i;ascii-numeric" ["a", "", "c"] "2" { fileinto "Two"; }')" \
    "0:Two/new" "string :count leaves empty strings out"
is "$(run 'set "state" ""; if string :matches " ${state} " "* *" { fileinto "S${1}S${2}S"; }')" \
    "0:SS S/new" "string :matches sets match variables"

# encoded-character
is "$(run 'fileinto "${hex:4A 75 6E 6B}";')" "0:Junk/new" "\${hex:...}"
is "$(run 'set "name" "Box"; fileinto "A${hex:24 7b 6e}ame}";')" "0:ABox/new" \
    "decoded before variables are expanded"
is "$(run 'fileinto "${hex:400}";')" '0:${hex:400}/new' "an invalid encoding stays as written"

# errors: the script fails, the message is kept
run 'fileinto "${unicode:d800}";' > "$TMP/out"   # not in $(): $ERR stays
is "$(cat "$TMP/out")" "0:INBOX/new" "a surrogate is an error"
like "$ERR" "invalid unicode character 0x0000d800 in encoded character substitution" \
    "...with Pigeonhole's message"
run 'set :lower :upper "a" "x"; fileinto "Never";' > "$TMP/out"
is "$(cat "$TMP/out")" "0:INBOX/new" "two modifiers of one precedence: error"
like "$ERR" "line 2, column 12: modifiers :lower and :upper specified for the set command conflict having equal precedence" \
    "...with Pigeonhole's message"
run "$(for i in $(seq 1 256); do printf 'set "v%s" "x"; ' "$i"; done) fileinto \"Never\";" > "$TMP/out"
is "$(cat "$TMP/out")" "0:INBOX/new" "the 256th variable exceeds sieve_variables_max_scope_size"
like "$ERR" "error: line 2, column 3977: \(implicit\) declaration of new variable 'v256' exceeds the limit \(max variables: 255\)" \
    "...with Pigeonhole's message"
finish
