# mime, foreverypart and extracttext (RFC 5703): each part's type,
# parameters and text length, :anychild counts, nested loops and break,
# as folder names to compare (short: sieve-test cuts long ones).  (The nested loop stands last in its
# block: Pigeonhole 0.5.19 aborts a script with "program crossed loop
# boundary" when a command follows a nested loop that had nothing to
# visit.)
require ["fileinto", "mime", "foreverypart", "extracttext", "variables",
         "relational", "comparator-i;ascii-numeric", "imap4flags"];
set "r" "";
foreverypart :name "outer" {
  if header :mime :subtype :matches "Content-Type" "*" { set "s" "${1}"; }
  set "p" "";
  if header :mime :param ["charset", "name", "filename"] :matches
      ["Content-Type", "Content-Disposition"] "*" { set :length "p" "${1}"; }
  extracttext :first 500 "x";
  set :length "l" "${x}";
  set "c" "0";
  if header :mime :anychild :count "ge" :comparator "i;ascii-numeric"
      "Content-Type" "2" { set "c" "2"; }
  if header :mime :anychild :count "ge" :comparator "i;ascii-numeric"
      "Content-Type" "4" { set "c" "4"; }
  set "r" "${r} ${s}-${p}-${l}-${c}-";
  set :length "rl" "${r}";
  if string :value "gt" :comparator "i;ascii-numeric" "${rl}" "70" {
    break :name "outer";
  }
  foreverypart { set "r" "${r}i"; if string :matches "${r}" "*iii" { break; } }
}
if exists :mime :anychild "Content-Disposition" { addflag "\\Flagged"; }
fileinto "P${r}";
