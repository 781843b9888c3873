# envelope (RFC 5228 5.4): from/to, address parts, the null reverse path
require ["envelope", "fileinto"];
if envelope :is "from" "" {
  fileinto "Bounces";
  stop;
}
if envelope :domain :is "from" "lists.debian.org" {
  fileinto "Debian";
}
if envelope :all :matches "to" "bob+*@example.org" {
  fileinto "Plus";
}
if envelope :localpart :contains "from" "bounce" {
  fileinto "Bulk";
}
if not envelope :domain :is "to" "EXAMPLE.ORG" {
  fileinto "Foreign";
}
