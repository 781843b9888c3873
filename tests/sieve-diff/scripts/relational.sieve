# relational (RFC 5231): :count and :value with numeric and casemap comparators
require ["relational", "comparator-i;ascii-numeric", "fileinto"];
if header :count "ge" :comparator "i;ascii-numeric" "received" "2" {
  fileinto "Relayed";
}
if header :value "gt" :comparator "i;ascii-numeric" "x-spam-score" "5" {
  fileinto "Junk";
} elsif header :value "lt" :comparator "i;ascii-numeric" "x-priority" "3" {
  fileinto "Urgent";
}
if address :count "gt" :comparator "i;ascii-numeric" ["to", "cc"] "2" {
  fileinto "Crowd";
}
if header :value "ge" "subject" "t" {
  fileinto "Late-Alphabet";
}
if header :count "eq" :comparator "i;ascii-numeric" "subject" "2" {
  fileinto "Two-Subjects";
}
