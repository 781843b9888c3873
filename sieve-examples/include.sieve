# The Dovecot layout: ~/.dovecot.sieve (the symlink ManageSieve keeps into
# ~/sieve/) as a short main script that includes the others from ~/sieve
# (include :personal "x" is ~/sieve/x.sieve; :global "x" would be
# /etc/deliver/sieve/x.sieve).  Spam first: spam.sieve stops there.
require ["include"];
include :personal "spam";
include :personal "lists";
