require ["variables", "fileinto"];
if header :matches "list-id" "*<*>" {
	set "list" "${2}";
	fileinto "${list}";
}
