# imap4flags keywords next to system flags, the implicit keep's flags
require ["imap4flags", "fileinto"];
addflag ["$Label1", "\\Answered", "Work"];
if header :contains "subject" "invoice" {
  fileinto :flags ["\\Seen", "$Invoice", "\\seen"] "Finance";
}
if exists "x-spam-flag" {
  setflag "Junk \\Seen";
}
removeflag "work";
