require ["envelope", "subaddress", "regex", "notify", "vacation", "fileinto"];
if envelope :detail "to" "lists" { fileinto "Lists"; }
if address :user :is "to" "bob" { keep; }
if header :regex "subject" "^\\[[a-z]+\\]" { fileinto "Tagged"; }
notify :method "mailto:pager@example.org" :high :message "urgent";
vacation :addresses ["bob@example.org"] :from "bob@example.org" :mime :handle "v1" "Away.";
