# Strings of actions stay escaped: the adapter unescapes them.
require ["fileinto", "reject"];
if header :is "x-folder" "quoted" {
	fileinto "Say \"hi\"";
}
if header :is "x-folder" "backslash" {
	fileinto "back\\slash";
}
reject "no \\ thanks";
