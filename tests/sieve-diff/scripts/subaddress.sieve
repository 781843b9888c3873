# subaddress (RFC 5233): :user and :detail on envelope and header addresses
require ["subaddress", "envelope", "fileinto"];
if envelope :detail "to" "shop" {
  fileinto "Shopping";
} elsif envelope :detail :matches "to" "*" {
  fileinto "Detail";
}
if address :user "from" "john.doe" {
  fileinto "John";
}
if address :detail :is "from" "news" {
  fileinto "JohnNews";
}
if envelope :user "to" "bob" {
  keep;
}
if address :detail :is "resent-to" "" {
  fileinto "EmptyDetail";
}
