# variables (RFC 5229): match variables, modifiers, string test, folders from values
require ["variables", "fileinto", "imap4flags", "envelope", "subaddress",
  "relational", "comparator-i;ascii-numeric"];
set "folder" "Misc";
if header :matches "list-id" "*<*.*>*" {
  set :lower "folder" "Lists/${2}";
}
if header :matches "subject" "[*] *" {
  set :upper :length "taglen" "${1}";
  set "tag" "${1}";
}
if string :is "${tag}" "" {
  set "tag" "none";
}
if envelope :localpart :matches "to" "*+*" {
  set :quotewildcard "detail" "${2}";
}
if string :matches "${detail}" "?*" {
  fileinto "Detail/${detail}";
}
set "empty" "";
if string :count "eq" :comparator "i;ascii-numeric" ["${empty}", "a", "b"] "2" {
  addflag "\\Seen";
}
if string :contains "${folder}" "Lists" {
  fileinto "${folder}";
} elsif string :is "${tag}" "none" {
  fileinto "Tag/${tag}";
} else {
  fileinto "Tag/${tag}-${taglen}";
}
