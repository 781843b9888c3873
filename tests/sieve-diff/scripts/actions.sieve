# action interplay: duplicates, discard then keep, redirect twice, stop
require ["fileinto", "imap4flags"];
if header :contains "subject" "lunch" {
  discard;
  keep;
}
if header :contains "from" "example.com" {
  redirect "archive@example.net";
  redirect "archive@example.net";
  fileinto "Twice";
  fileinto "Twice";
}
if exists "list-id" {
  fileinto :flags "\\Seen" "Lists";
  fileinto :flags "\\Flagged" "Lists";
  stop;
}
if header :contains "subject" "WON" {
  discard;
  stop;
}
fileinto "INBOX";
