# copy (RFC 3894): :copy keeps the implicit keep
require ["copy", "fileinto"];
if address :domain "from" "example.com" {
  redirect :copy "archive@example.net";
  fileinto :copy "Archive";
}
if header :contains "list-id" "debian" {
  fileinto :copy "Lists";
  redirect "forward@example.net";
}
