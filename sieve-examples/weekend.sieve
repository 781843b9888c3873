# Mail written on a Saturday or a Sunday goes to the folder Weekend.  The
# day is read from the Date: header in the sender's own zone
# (:originalzone); without it, the day would be the one in deliver's zone
# (TZ).  A message without a readable Date: stays in INBOX.
require ["date", "fileinto"];
if date :originalzone "date" "weekday" ["0", "6"] {
  fileinto "Weekend";
}
