# Mail from the boss: a short notification to the phone's mail address
# (RFC 5435 enotify, mailto method), the message itself kept in INBOX.
# No notification is sent about automated mail (Auto-Submitted), and the
# notification says "Auto-Submitted: auto-notified" so it starts no loop.
require ["enotify", "variables"];

if address :is "from" "boss@example.com" {
	if header :matches "Subject" "*" {
		set "subject" "${1}";
	}
	notify :importance "1" :message "Boss: ${subject}"
		"mailto:bob.phone@example.net";
}
