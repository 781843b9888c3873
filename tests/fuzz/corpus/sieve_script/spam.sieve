# Spam marked by SpamAssassin (X-Spam-Flag / X-Spam-Status) goes to Junk.
require "fileinto";
if anyof (header :is "x-spam-flag" "YES",
          header :matches "x-spam-status" "Yes,*") {
  fileinto "Junk";
  stop;
}
