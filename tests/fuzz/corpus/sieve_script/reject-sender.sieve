# Refuse mail from one persistent sender; the MTA bounces it (exit 77).
require "reject";
if address :is "from" "pest@example.net" {
  reject "I do not accept mail from you.";
}
