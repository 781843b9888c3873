if header :startswith "subject" "x" { keep; }
