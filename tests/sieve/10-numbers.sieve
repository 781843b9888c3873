# libsieve reads only upper-case K/M/G and keeps numbers in an int.
if size :over 100k { discard; }
if size :over 2M { discard; }
if size :under 5G { keep; }
