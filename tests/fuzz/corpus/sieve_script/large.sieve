# Messages over 5 MB are flagged so they stand out (and can be cleaned up).
require "imap4flags";
if size :over 5M {
  keep :flags "\\Flagged";
}
