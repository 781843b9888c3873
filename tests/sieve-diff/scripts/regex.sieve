# regex (draft-ietf-sieve-regex): anchors, classes, alternation, captures
require ["regex", "fileinto", "variables"];
if header :regex "subject" "^\\[JIRA\\] \\(([A-Z]+)-([0-9]+)\\)" {
  fileinto "Tickets/${1}";
}
if address :regex :domain "from" "(^|\\.)example\\.(com|net)$" {
  fileinto "Example";
}
if header :regex :comparator "i;ascii-casemap" "x-spam-status" "^yes,[[:space:]]*score=([0-9]+)" {
  fileinto "Junk";
}
if header :regex "subject" "caf[eé]" {
  fileinto "Cafe";
}
if not header :regex "message-id" "^<[^@>]+@[^>]+>$" {
  fileinto "Odd-Id";
}
