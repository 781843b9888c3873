# encoded-character (RFC 5228 2.4.2.4): ${hex:} and ${unicode:} in strings
require ["encoded-character", "fileinto"];
if header :contains "subject" "${hex:47 72 C3 BC}" {
  fileinto "${unicode:47 72 fc}sse";
}
if header :contains "subject" "caf${unicode:e9}" {
  fileinto "Caf${hex:c3 a9}";
}
if header :is "x-priority" "${hex:32}" {
  fileinto "Prio${hex:32}";
}
if header :contains "subject" "${hex:}${unicode: }" {
  fileinto "${hex:5A}";
}
