require "relational";
if header :count "more" "received" "3" { discard; }
