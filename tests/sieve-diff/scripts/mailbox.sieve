# mailbox (RFC 5490): mailboxexists and fileinto :create
require ["mailbox", "fileinto"];
if mailboxexists "INBOX" {
  fileinto :create "Exists/Inbox";
}
if not mailboxexists "Surely/Not/There" {
  fileinto :create "Created";
}
