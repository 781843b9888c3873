# Spam tagged by SpamAssassin: filed into Junk with its score in one short
# header, and the bulky X-Spam-Report removed from the filed copy
# (editheader, RFC 5293; the native engine runs it).
require ["editheader", "fileinto", "variables"];

if header :matches "X-Spam-Status" "Yes, score=*" {
	deleteheader "X-Spam-Report";
	addheader "X-Junk-Score" "${1}";
	fileinto "Junk";
}
