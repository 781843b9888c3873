require "notify";
if valid_notif_method "mailto:a@example.org" { keep; }
