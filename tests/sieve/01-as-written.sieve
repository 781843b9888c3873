# A script libsieve 2.2.6 reads as it is.
require ["fileinto", "reject"];

if header :contains "x-spam-flag" "yes" {
	fileinto "Junk";
	stop;
}
if address :domain :is "from" "example.com" {
	fileinto "Work";
} elsif exists "list-id" {
	fileinto "Lists";
} else {
	keep;
}
