# special-use (RFC 8579) where no folder has a special use (neither
# dovecot.conf nor deliver.conf assigns one): the named folders
require ["special-use", "fileinto", "variables"];
if specialuse_exists "\\Junk" {
  fileinto "HasJunk";
}
if specialuse_exists "INBOX" ["\\Sent"] {
  fileinto "InboxIsSent";
}
if header :matches "subject" "*" {
  set "use" "\\Trash";
  fileinto :specialuse "${use}" "Subject-Filed";
}
fileinto :specialuse "\\Junk" "Spam";
