# the deprecated notify draft: notify, :id, importance, denotify
require ["notify", "fileinto"];

notify :id "a" :options "ops@example.net" :message "$from$: $subject$";
notify :id "b" :low :options ["x@example.net", "y@example.net"];
if header :contains "Subject" "a" {
	denotify :is "a";
}
if size :over 10K {
	denotify :low;
}
fileinto "Seen";
