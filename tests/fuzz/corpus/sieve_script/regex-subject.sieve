# Ticket mail ("[JIRA] (PROJ-123) ...") recognised by a regex on Subject.
# Brackets instead of backslashes: libsieve passes "\\" in tests through
# unchanged, Pigeonhole does not; "[[]" means "[" in both.
require ["fileinto", "regex"];
if header :regex "subject" "^[[]JIRA[]] [(][A-Z]+-[0-9]+[)]" {
  fileinto "Work/Tickets";
}
