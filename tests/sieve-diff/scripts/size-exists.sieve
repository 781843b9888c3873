# size, exists, allof/anyof/not, true/false, header name case
require ["fileinto"];
if size :over 1M {
  fileinto "Big";
}
if size :under 400 {
  fileinto "Tiny";
}
if allof (exists ["From", "TO"], not exists "x-nothing", anyof (false, true)) {
  keep;
}
if exists "list-id" {
  if header :is "list-id" "" {
    fileinto "EmptyListId";
  }
}
if header :matches "x-long" "x*x" {
  fileinto "Long";
}
if header :contains "X-8BIT" "caf" {
  fileinto "EightBit";
}
