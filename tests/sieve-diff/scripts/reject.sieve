# reject (RFC 5429): the reason, and reject after other actions
require ["reject", "fileinto"];
if header :contains "from" "pest" {
  reject "No thanks.";
} elsif header :contains "subject" "WON" {
  fileinto "Spam";
  reject "Spam refused.";
} elsif exists "auto-submitted" {
  fileinto "Auto";
}
