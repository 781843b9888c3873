# Invoices from the accounting system: a copy to the bookkeeper, and keep.
if address :is "from" "billing@example.com" {
  redirect "bookkeeper@example.net";
  keep;
}
