# Sieve names are case-insensitive; libsieve only knows lower case.
Require "fileinto";
IF Header :Contains "Subject" "[announce]" {
	FileInto "Announce";
	Stop;
} ELSE {
	Keep;
}
