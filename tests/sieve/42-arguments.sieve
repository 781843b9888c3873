require ["fileinto", "vacation"];
fileinto ["a", "b"];
vacation :days "7" "x";
discard "now";
if header "subject" { keep; }
