require ["vacation", "reject"];
if header :contains "subject" "spam" {
	reject text: # why
Go away.
..signature
.
;
}
vacation :days 14 :subject "Away" text:
I am away until Monday.
C:\temp is where I left it.
.
;
