# Anything with List-Unsubscribe but no List-Id (newsletters) are filed as read into Newsletters.
require ["fileinto", "imap4flags"];
if allof (exists "list-unsubscribe", not exists "list-id") {
  fileinto :flags "\\Seen" "Newsletters";
}
