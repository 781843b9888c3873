# date, currentdate and index against Pigeonhole: each message's Date:
# read in its own zone, at a fixed offset and in the local zone, the
# oldest Received's date (:index 1 :last), whether the first Received
# has a date (the only one date reads), header and address with :index,
# and the current year.  Folder names are built from digit-only parts.
require ["date", "index", "variables", "fileinto", "copy", "relational",
         "comparator-i;ascii-numeric"];

set "o" "none";
if date :originalzone :matches "date" "julian" "*" { set "o" "${0}"; }
if date :originalzone :matches "date" "weekday" "*" { set "o" "${o}-w${0}"; }
if date :originalzone :matches "date" "hour" "*" { set "o" "${o}-${0}"; }
if date :originalzone :matches "date" "minute" "*" { set "o" "${o}${0}"; }
if date :originalzone :matches "date" "second" "*" { set "o" "${o}${0}"; }
if date :originalzone :matches "date" "zone" "*" { set "o" "${o}${0}"; }
fileinto :copy "Orig.${o}";

set "z" "none";
if date :zone "-0830" :matches "date" "date" "*" { set "z" "${0}"; }
if date :zone "-0830" :matches "date" "hour" "*" { set "z" "${z}-${0}"; }
fileinto :copy "Zone.${z}";

set "l" "none";
if date :matches "date" "year" "*" { set "l" "${0}"; }
if date :matches "date" "day" "*" { set "l" "${l}-${0}"; }
if date :matches "date" "hour" "*" { set "l" "${l}-${0}"; }
fileinto :copy "Local.${l}";

set "r" "none";
if date :zone "+0000" :index 1 :last :matches "received" "date" "*" {
  set "r" "${0}";
}
if date :zone "+0000" :index 1 :last :matches "received" "hour" "*" {
  set "r" "${r}-${0}";
}
fileinto :copy "Oldest.${r}";

# :index written before :zone/:originalzone: Pigeonhole 0.5.19 loses it
# (known-differences.md)
if date :index 1 :last :originalzone :matches "received" "minute" "*" {
  fileinto :copy "OldestMinute.${0}";
}

if date :count "eq" :comparator "i;ascii-numeric" "received" "date" "1" {
  fileinto :copy "FirstReceivedDated";
}
if header :index 2 :last :contains "received" "mx" {
  fileinto :copy "SecondLastMx";
}
if address :index 1 :last :domain "to" "example.org" {
  fileinto :copy "LastToOrg";
}
if currentdate :value "ge" "year" "2025" {
  fileinto :copy "Now";
}
