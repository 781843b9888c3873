# Out-of-office reply, at most once a week per sender; mail still kept.
require "vacation";
vacation :days 7 :subject "Out of office"
  "I am away until 1 December and read mail only now and then.
For urgent matters please write to team@example.org.";
