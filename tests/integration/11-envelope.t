#!/bin/bash
# What intake does to the message: From_ lines, CRLF, Return-Path and
# Delivered-To, and where sender and recipient come from.
. "$(dirname "$0")/lib.sh"
plan 14

n=0
# deliver_case INPUT_PRINTF_FORMAT ARGS...: delivers into a fresh Maildir,
# leaves the delivered bytes in $GOT
deliver_case() {
	local input=$1; shift
	n=$((n + 1))
	user_dir "$TMP/c$n"
	printf "$input" > "$TMP/in$n"
	dlv -M "$TMP/c$n/Maildir" "$@" < "$TMP/in$n"
	GOT=$(cat "$(only_file "$TMP/c$n/Maildir/new")" 2>/dev/null | od -c | sed 's/  */ /g')
}
expect() { printf "$1" | od -c | sed 's/  */ /g'; }

deliver_case 'From alice@example.org Mon Nov 23 09:00:00 2026\nSubject: x\n\nb\n' -a bob@example.org
is "$GOT" "$(expect 'Return-Path: <alice@example.org>\nDelivered-To: bob@example.org\nSubject: x\n\nb\n')" "From_ line removed, its sender becomes Return-Path"

deliver_case 'From MAILER-DAEMON Mon Nov 23 09:00:00 2026\nSubject: x\n\nb\n' -a bob@example.org
is "$GOT" "$(expect 'Return-Path: <>\nDelivered-To: bob@example.org\nSubject: x\n\nb\n')" "From MAILER-DAEMON means the null sender"

deliver_case 'From alice@example.org Mon Nov 23 09:00:00 2026\nSubject: x\n\nb\n' -f carol@example.org -a bob@example.org
is "$GOT" "$(expect 'Return-Path: <carol@example.org>\nDelivered-To: bob@example.org\nSubject: x\n\nb\n')" "-f wins over the From_ line"

deliver_case 'Subject: x\r\n\r\nline1\r\nline2\rstill2\r\n' -f a@b -a c@d
is "$GOT" "$(expect 'Return-Path: <a@b>\nDelivered-To: c@d\nSubject: x\n\nline1\nline2\rstill2\n')" "CRLF becomes LF, a bare CR stays"

# Postfix's mailbox_command input: From_, Return-Path, X-Original-To, Delivered-To
deliver_case 'From a@b Mon Nov 23 09:00:00 2026\nReturn-Path: <a@b>\nX-Original-To: c@d\nDelivered-To: c@d\nReceived: x\nSubject: s\n\nb\n' -a c@d
is "$GOT" "$(expect 'Return-Path: <a@b>\nX-Original-To: c@d\nDelivered-To: c@d\nReceived: x\nSubject: s\n\nb\n')" "headers the MTA already put on top are not added twice"

deliver_case 'Received: x\nReturn-Path: <a@b>\nSubject: s\n\nb\n' -f a@b -a c@d
is "$GOT" "$(expect 'Return-Path: <a@b>\nDelivered-To: c@d\nReceived: x\nReturn-Path: <a@b>\nSubject: s\n\nb\n')" "a Return-Path further down does not count as on top"

deliver_case 'Subject: s\n\nb\n' -f a@b -a c@d -o add_return_path=no -o add_delivered_to=no
is "$GOT" "$(expect 'Subject: s\n\nb\n')" "add_return_path=no and add_delivered_to=no add nothing"

# Postfix/Exim environment
n=$((n + 1)); user_dir "$TMP/c$n"
printf 'Subject: s\n\nb\n' | SENDER=env@example.org RECIPIENT=rcpt@example.org dlv -M "$TMP/c$n/Maildir"
is "$(head -2 "$(only_file "$TMP/c$n/Maildir/new")")" "$(printf 'Return-Path: <env@example.org>\nDelivered-To: rcpt@example.org')" "SENDER and RECIPIENT from the environment"

n=$((n + 1)); user_dir "$TMP/c$n"
printf 'Subject: s\n\nb\n' | SENDER= RECIPIENT=rcpt@example.org dlv -M "$TMP/c$n/Maildir"
is "$(head -1 "$(only_file "$TMP/c$n/Maildir/new")")" "Return-Path: <>" "an empty SENDER is the null sender"

n=$((n + 1)); user_dir "$TMP/c$n"
(unset RECIPIENT ORIGINAL_RECIPIENT
 printf 'Subject: s\n\nb\n' | SENDER=s@x LOCAL_PART=bob LOCAL_PART_SUFFIX=+lists DOMAIN=example.net dlv -M "$TMP/c$n/Maildir")
is "$(sed -n 2p "$(only_file "$TMP/c$n/Maildir/new")")" "Delivered-To: bob+lists@example.net" "Exim's LOCAL_PART, LOCAL_PART_SUFFIX and DOMAIN"

n=$((n + 1)); user_dir "$TMP/c$n"
printf 'Subject: s\n\nb\n' | RECIPIENT=env@example.org dlv -M "$TMP/c$n/Maildir" -a arg@example.org
is "$(sed -n 1p "$(only_file "$TMP/c$n/Maildir/new")")" "Delivered-To: arg@example.org" "-a wins over RECIPIENT; no sender known, no Return-Path"

# Redelivering a stored message by hand: its Return-Path names the sender.
deliver_case 'Return-Path: <orig@example.org>\nSubject: s\n\nb\n' -a c@d
is "$GOT" "$(expect 'Delivered-To: c@d\nReturn-Path: <orig@example.org>\nSubject: s\n\nb\n')" "the message's own Return-Path gives the sender (and is not repeated)"

# Loops: a Delivered-To for this recipient below the MTA's own
n=$((n + 1)); user_dir "$TMP/c$n"
printf 'Delivered-To: c@d\nReceived: x\nDelivered-To: c@d\nSubject: s\n\nb\n' > "$TMP/loop"
dlv -M "$TMP/c$n/Maildir" -f a@b -a c@d < "$TMP/loop"
# (deliver.db and its WAL files hold the log row of the bounce, not a message)
is "$RC:$ERR:$(find "$TMP/c$n/Maildir" -type f ! -name 'deliver.db*' | wc -l)" "77:deliver: mail forwarding loop for c@d:0" "Delivered-To loop: exit 77, nothing delivered"

n=$((n + 1)); user_dir "$TMP/c$n"
dlv -M "$TMP/c$n/Maildir" -f a@b -a c@d -o loop_check=no < "$TMP/loop"
is "$RC:$(count_files "$TMP/c$n/Maildir/new")" "0:1" "loop_check=no delivers anyway"
finish
