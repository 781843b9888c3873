# body (RFC 5173): each test that holds files into a folder of its own, so
# the outcome lists every test's result: transforms, types, decoding,
# charsets, prologue/epilogue, enclosed headers, :count of parts
require ["body", "fileinto", "relational", "comparator-i;ascii-numeric"];
if body :raw :contains "--" { fileinto "raw-dashes"; }
if body :raw :contains "=3D" { fileinto "raw-qp"; }
if body :raw :matches "*" { fileinto "raw-any"; }
if body :text :contains "hello" { fileinto "text-hello"; }
if body :text :contains "<" { fileinto "text-markup"; }
if body :text :contains ["grüße", "köln", "€"] { fileinto "text-latin"; }
if body :text :contains ["привет", "日本", "中文"] { fileinto "text-cjk-cyr"; }
if body :text :contains "привет" { fileinto "text-koi8"; }
if body :text :contains "日本" { fileinto "text-jp"; }
if body :text :contains "中文" { fileinto "text-gb"; }
if body :text :contains "€" { fileinto "text-euro"; }
if body :text :contains "“quoted”" { fileinto "text-cp1252"; }
if body :text :contains "hello utf16" { fileinto "text-utf16"; }
if body :text :contains "world" { fileinto "text-world"; }
if body :content "text/html" :contains "hello" { fileinto "html-hello"; }
if body :text :contains "�" { fileinto "text-replacement"; }
if body :content "text/html" :contains "<b>" { fileinto "html-b"; }
if body :content "multipart" :contains "prologue" { fileinto "mp-prologue"; }
if body :content "multipart" :contains "epilogue" { fileinto "mp-epilogue"; }
if body :content "message/rfc822" :contains "Subject:" { fileinto "rfc822-hdr"; }
if body :content "application" :contains "" { fileinto "application"; }
if body :content "" :count "ge" :comparator "i;ascii-numeric" "4" { fileinto "parts-4plus"; }
if body :content "text" :count "eq" :comparator "i;ascii-numeric" "1" { fileinto "text-1"; }
if body :content "text" :count "eq" :comparator "i;ascii-numeric" "2" { fileinto "text-2"; }
if body :content "text/plain" :is "" { fileinto "plain-empty"; }
if body :text :contains "deep leaf" { fileinto "deep-leaf"; }
if body :content "text/plain" :contains "--n099" { fileinto "deep-boundary-text"; }
