# tests at their edges: numeric comparator on text, match variables kept
# across a failed match, :regex case, :count of a missing header
require ["relational", "comparator-i;ascii-numeric", "variables", "regex",
  "fileinto", "envelope", "subaddress"];
if header :value "eq" :comparator "i;ascii-numeric" "subject" "999" {
  fileinto "NumEq";
}
if header :value "gt" :comparator "i;ascii-numeric" "x-priority" "abc" {
  fileinto "NumGtText";
}
if header :matches "subject" "*o*" {
  if header :matches "subject" "zzz*" {
    fileinto "Never";
  }
  fileinto "Kept-${1}";
}
if header :regex "subject" "^(YOU|lunch)" {
  fileinto "RegexCase-${1}";
}
if header :count "eq" :comparator "i;ascii-numeric" "x-nothing" "0" {
  fileinto "CountZero";
}
if envelope :localpart :is "to" "bob+lists" {
  fileinto "LocalpartPlus";
}
if address :detail :is "to" "" {
  fileinto "EmptyDetailTo";
}
if header :contains "subject" "" {
  if not exists "x-empty" {
    fileinto "NoXEmpty";
  }
}
