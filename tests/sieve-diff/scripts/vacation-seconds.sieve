# vacation-seconds (RFC 6131) and :from, :handle
require ["vacation", "vacation-seconds"];
vacation :seconds 3600 :from "Bob <bob@example.org>" :handle "h1" "Back in an hour.";
