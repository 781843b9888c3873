# The old draft name of imap4flags.
require ["imapflags", "fileinto"];
if header :contains "from" "boss@example.com" {
	addflag "\\Flagged";
	fileinto :flags ["\\Seen", "$Important"] "Boss";
}
keep :flags "\\Seen";
