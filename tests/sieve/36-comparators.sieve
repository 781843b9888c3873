if header :comparator "i;unicode-casemap" :is "subject" "x" { keep; }
if header :comparator "i;ascii-numeric" :is "x-n" "1" { keep; }
