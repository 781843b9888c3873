# Invoices from the company domain, not spam, about invoices: Finance, marked read.
require ["fileinto", "imap4flags"];
if allof (address :domain :is "from" "example.com",
          anyof (header :contains "subject" "invoice",
                 header :contains "subject" "Rechnung"),
          not exists "x-spam-flag") {
  fileinto :flags "\\Seen" "Finance";
}
