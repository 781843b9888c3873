# hasflag :is is the default; libsieve crashes on any match type.
require "imap4flags";
addflag "\\Seen";
if hasflag :is "\\Seen" { keep; }
if hasflag :comparator "i;ascii-casemap" ["\\seen", "x"] { keep; }
