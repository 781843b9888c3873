# enotify (RFC 5435/5436): notifications planned by mailto; none for a
# URI whose recipients an earlier notify already has; tests
require ["enotify", "variables", "fileinto"];

if header :matches "Subject" "*" { set :encodeurl "s" "${1}"; }
if valid_notify_method "mailto:ops@example.net?subject=${s}" {
	notify :importance "2" "mailto:ops@example.net?subject=${s}";
}
notify :from "bob@example.org" :message "again" "mailto:OPS@example.net?cc=ops@example.net";
if notify_method_capability "mailto:ops@example.net" "online" "maybe" {
	fileinto "Notified";
}
if header :contains "From" "lottery" {
	notify "mailto:${s}@example.net";
}
