# folder names: INBOX's case, sub-folders of INBOX, separators, odd characters
require ["fileinto"];
if header :contains "subject" "lunch" {
  fileinto "inbox";
  fileinto "Inbox/Sub";
}
if exists "list-id" {
  fileinto "INBOX.Lists";
  fileinto "Archive/2025/12";
}
if header :contains "subject" "invoice" {
  fileinto "Money & Bills";
  fileinto "Ünïcode";
}
if header :contains "subject" "WON" {
  fileinto "Junk";
  fileinto "junk";
}
