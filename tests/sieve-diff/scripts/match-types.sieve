# match types and comparators: wildcards, escapes, octet vs casemap, lists
require ["fileinto"];
if header :matches "subject" "?ou *" {
  fileinto "Q1";
}
if header :matches "subject" "*\\?*" {
  fileinto "Q2";
}
if header :is :comparator "i;octet" "subject" "lunch tomorrow?" {
  fileinto "Octet";
}
if header :is :comparator "i;octet" "subject" "LUNCH TOMORROW?" {
  fileinto "OctetUpper";
}
if header :contains ["subject", "from"] ["deals", "Lottery"] {
  fileinto "AnyOf";
}
if header :matches "x-empty" "" {
  fileinto "EmptyHeader";
}
if address :localpart :matches "from" "*.*" {
  fileinto "DottedLocal";
}
if header :matches "subject" "*[*]*" {
  fileinto "Brackets";
}
if header :contains "received" "bendel" {
  fileinto "Bendel";
}
