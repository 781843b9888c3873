# vacation: period bounds, :addresses that alone name the user, :from
require ["vacation", "envelope"];
if envelope :detail "to" "shop" {
  vacation :days 0 "short";
} elsif header :contains "subject" "lunch" {
  vacation :days 400 :from "bob@example.org" "long";
} elsif header :contains "subject" "team" {
  vacation :addresses ["anna@example.org"] "team reply";
} else {
  vacation :addresses ["someone-else@example.net"] :subject "Re: ${subject}" "other";
}
