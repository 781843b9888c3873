# Look into the message text, not only the header (RFC 5173 body).
# Phishing phrases anywhere in the readable text (plain or HTML, any
# transfer encoding or charset: body :text decodes and converts to UTF-8)
# go to Junk; mail with a PDF attachment goes to Invoices.
# deliver reads at most sieve_body_max bytes (deliver.conf, 1M) per test.
require ["body", "fileinto"];

if body :text :contains ["verify your account", "confirm your password"] {
	fileinto "Junk";
} elsif body :content "application/pdf" :contains "" {
	fileinto "Invoices";
}
