# vacation (RFC 5230): the reply and who gets it
require ["vacation", "fileinto"];
if header :contains "subject" "invoice" {
  fileinto "Finance";
}
vacation :days 5 :subject "Away" :addresses ["bob@example.org", "bob+shop@example.org"] "I am away.";
