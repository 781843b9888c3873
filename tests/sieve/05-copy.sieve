# :copy: the message is also kept (deliver carries it).
require ["copy", "fileinto"];
redirect :copy "archive@example.org";
if header :contains "subject" "invoice" {
	fileinto :copy "Invoices";
}
