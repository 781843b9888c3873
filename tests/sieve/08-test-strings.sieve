# Strings of tests: libsieve compares the bytes between the quotes.
if header :contains "subject" "C:\\Temp" { discard; }
if header :matches "subject" "100\\*" { discard; }
if header :is "subject" "\a\b\c" { discard; }
if header :is "subject" "" { keep; }
