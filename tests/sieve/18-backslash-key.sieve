# Keys ending in a backslash: libsieve's lexer cannot read them, so the
# test becomes the equivalent anchored :regex.
require "fileinto";
if header :contains "subject" "C:\\" { fileinto "Windows"; }
if header ["x-path", "x-dir"] ["/tmp/", "C:\\Temp\\"] { keep; }
if address :matches :comparator "i;octet" :localpart "from" "*\\" { discard; }
if header :comparator "i;octet" :is "x-a" "a.b\\" { discard; }
