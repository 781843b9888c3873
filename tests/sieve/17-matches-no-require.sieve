if header :matches "x-score" "\\*\\*\\*" { discard; }
