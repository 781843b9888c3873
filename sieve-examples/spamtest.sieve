# Spam by the score a scanner gave it, through the spamtest extension
# (RFC 5235): deliver.conf says which header holds the score (see
# deliver.conf(5), "Spam and virus headers", for SpamAssassin, rspamd and
# Amavis).  spamtest is 1 (clean) to 10 (spam); 0 means not scanned, and
# such mail stays in INBOX.
require ["spamtest", "relational", "comparator-i;ascii-numeric", "fileinto"];
if spamtest :value "ge" :comparator "i;ascii-numeric" "10" {
  fileinto "Junk";
  stop;
}
if spamtest :value "ge" :comparator "i;ascii-numeric" "6" {
  fileinto "Suspect";
  stop;
}
