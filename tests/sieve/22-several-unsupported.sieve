require ["include", "body", "fileinto"];
include :personal "common";
if body :contains "unsubscribe" { fileinto "Bulk"; }
