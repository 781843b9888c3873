# libsieve never matches an escaped wildcard literally: :regex instead.
require "fileinto";
if header :matches "subject" "100\\*" { fileinto "Literal"; }
if address :matches :comparator "i;octet" "from" ["a.b?*@x", "\\?*"] { keep; }
if header :matches "subject" "*" { keep; }
