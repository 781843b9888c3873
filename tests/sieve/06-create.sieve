# fileinto :create: the folder is made even with autocreate off.
require ["fileinto", "mailbox", "copy"];
if header :matches "list-id" "*<*.example.org>" {
	fileinto :create "Lists.example";
}
fileinto :create :copy "Archive";
