if header :contains "subject" "say \"hi\"" { keep; }
