# ihave (RFC 5463): extensions tested at run time, error with a message
require ["ihave", "fileinto"];
if ihave "variables" {
  fileinto "Have/Variables";
}
if ihave ["imap4flags", "no-such-extension"] {
  fileinto "Have/Both";
} else {
  fileinto "Have/NotBoth";
}
if header :contains "subject" "broken" {
  error "this message is broken";
}
