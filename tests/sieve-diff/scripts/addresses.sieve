# address tests on groups, comments, routes, quoted local parts, junk
require ["fileinto"];
if address :all :is "cc" "bob@example.org" {
  fileinto "GroupCc";
}
if address :domain :is "from" "example.com" {
  fileinto "FromExampleCom";
}
if address :localpart :is "reply-to" "odd local" {
  fileinto "QuotedLocal";
}
if address :all :is "from" "weird@example.org" {
  fileinto "Routed";
}
if address :all :contains "to" "q@" {
  fileinto "QuotedName";
}
if exists "bcc" {
  if address :all :is "bcc" "secret@example.org" {
    fileinto "Bcc";
  }
}
