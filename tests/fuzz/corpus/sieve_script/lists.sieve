# Mailing lists sorted into folders by their List-Id header.
require "fileinto";
if header :contains "list-id" "<debian-devel.lists.debian.org>" {
  fileinto "Lists/debian-devel";
} elsif header :contains "list-id" "<postfix-users.postfix.org>" {
  fileinto "Lists/postfix-users";
} elsif exists "list-id" {
  fileinto "Lists/other";
}
