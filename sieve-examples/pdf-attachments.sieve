# Messages carrying a PDF (by its type, or by a file name ending in .pdf,
# RFC 2231-encoded names included) are filed into Documents.  foreverypart
# visits every MIME part; :mime makes the header test read the part's own
# header; break stops at the first PDF found.
require ["fileinto", "mime", "foreverypart"];
foreverypart {
  if anyof (header :mime :contenttype "Content-Type" "application/pdf",
            header :mime :param "filename" :matches "Content-Disposition" "*.pdf",
            header :mime :param "name" :matches "Content-Type" "*.pdf") {
    fileinto "Documents";
    break;
  }
}
