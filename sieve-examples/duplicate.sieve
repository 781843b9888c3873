# The same message arriving twice (through a list and directly, or a
# second Cc) goes to a folder of its own the second time.  deliver's own
# duplicate suppression takes such a copy before any script sees it:
# set "dedup = no" in deliver.conf for this script to see it.
require ["duplicate", "fileinto"];
if duplicate :seconds 86400 {
  fileinto "Duplicates";
  stop;
}
