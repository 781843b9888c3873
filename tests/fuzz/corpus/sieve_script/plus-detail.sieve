# Plus addresses (bob+shop@, bob+github@) filed by their detail part.
require ["fileinto", "envelope", "subaddress"];
if envelope :detail "to" "shop" {
  fileinto "Shopping";
} elsif envelope :detail "to" "github" {
  fileinto "Dev/GitHub";
}
