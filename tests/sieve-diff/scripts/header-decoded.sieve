# RFC 2047 words are decoded before header and address tests
require ["fileinto"];
if header :contains "subject" "Grüße" {
  fileinto "Umlaut";
}
if header :is "subject" "café crème et réunion" {
  fileinto "Latin1";
}
if address :all :is "to" "bob@example.org" {
  if header :contains "to" "Böb" {
    fileinto "BoebTo";
  }
}
if header :contains "from" "Jörg Müller" {
  fileinto "Joerg";
}
if header :contains "x-tag" "[JIRA] café" {
  fileinto "Tagged";
}
