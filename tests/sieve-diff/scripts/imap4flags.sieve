# imap4flags (RFC 5232): internal flag variable, hasflag, :flags on keep/fileinto
require ["imap4flags", "fileinto", "variables", "relational",
  "comparator-i;ascii-numeric"];
setflag "\\Seen";
addflag ["\\Flagged", "\\Answered"];
removeflag "\\Answered";
if hasflag :is "\\flagged" {
  fileinto "Flagged";
}
if header :contains "x-spam-flag" "yes" {
  addflag "\\Deleted \\Draft";
  fileinto :flags ["\\Seen", "\\Deleted"] "Junk";
  stop;
}
set "myflags" "\\Answered";
addflag "myflags" "\\Draft";
if hasflag :count "eq" :comparator "i;ascii-numeric" "myflags" "2" {
  keep :flags "${myflags}";
}
if header :contains "subject" "invoice" {
  removeflag ["\\Seen", "\\Flagged"];
  keep;
}
