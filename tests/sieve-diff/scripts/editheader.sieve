# editheader: later tests see the edits; protected headers stay; the
# decoded values are what deleteheader compares; :index/:last.
require ["editheader", "fileinto", "variables", "relational",
    "comparator-i;ascii-numeric"];

addheader "X-Filter" "seen";
if header :is "x-filter" "seen" { fileinto "Added"; }

deleteheader "received";
if exists "received" { fileinto "ReceivedKept"; }

deleteheader :index 1 :last "x-filter";
if not exists "x-filter" { fileinto "Removed"; }

if header :matches "subject" "*" { set "s" "${1}"; }
deleteheader :contains "subject" ["invoice", "café", "ü"];
if allof (not exists "subject", not string :is "${s}" "") {
	fileinto "SubjectMatched";
}

addheader :last "X-Count" "1";
addheader :last "X-Count" "2";
if header :count "eq" :comparator "i;ascii-numeric" "x-count" "2" {
	fileinto "TwoCounts";
}
deleteheader :index 2 "x-count";
if header :is "x-count" "1" { fileinto "FirstLeft"; }

if size :over 5000 { fileinto "Big"; }
