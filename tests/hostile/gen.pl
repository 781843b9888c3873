#!/usr/bin/perl
# gen.pl DIR: write the hostile-input corpus into DIR.
#
# Each case NAME is three files: NAME.msg (the message bytes), NAME.args
# (extra deliver arguments, each ended by a NUL byte) and NAME.expect, one of
#   intact      delivered once, bytes = the documented normalization
#   delivered   delivered once somewhere inside the Maildir
#   exit=N      refused with exit code N, nothing delivered
# The generator is deterministic (fixed seed), so failures reproduce.
use strict;
use warnings;

my $dir = shift or die "usage: gen.pl DIR\n";
mkdir $dir;
srand(20261123);
my $n = 0;

sub case {
	my ($name, $msg, $expect, @args) = @_;
	$n++;
	my $base = sprintf("%s/%03d-%s", $dir, $n, $name);
	for ([msg => $msg], [args => join("", map { "$_\0" } @args)],
	     [expect => "$expect\n"]) {
		open my $fh, '>:raw', "$base.$_->[0]" or die "$base: $!";
		print $fh $_->[1];
		close $fh;
	}
}

sub junk { my ($len) = @_; join '', map { chr(int(rand(256))) } 1 .. $len }
my $hdr = "Subject: hostile\nMessage-ID: <h\@x>\n\n";

# NUL bytes
case("nul-first", "\0Subject: x\n\nb\n", "intact");
case("nul-in-name", "Sub\0ject: x\n\nb\n", "intact");
case("nul-in-value", "Subject: a\0b\n\nb\n", "intact");
case("nul-body", "${hdr}a\0b\0\0c\n", "intact");
case("nul-only", "\0" x 1000, "intact");
case("nul-in-message-id", "Message-ID: <a\0b\@x>\n\nb\n", "intact");
case("nul-before-colon", "X\0: y\n\nb\n", "intact");
case("nul-folded", "Subject: a\n \0b\n\nb\n", "intact");
case("nul-every-other", join("", map { "x\0" } 1 .. 5000), "intact");
case("nul-blank-line", "Subject: x\n\0\n\nb\n", "intact");
# bare CR and CR/LF mixtures
case("cr-only-lines", "Subject: x\r\rbody\r", "intact");
case("cr-in-header", "Subj\rect: x\n\nb\n", "intact");
case("crcrlf", "Subject: x\r\r\n\r\r\nb\r\r\n", "intact");
case("lfcr", "Subject: x\n\r\n\rb\n\r", "intact");
case("cr-at-end", "Subject: x\n\nb\r", "intact");
case("crlf-folded", "Subject: a\r\n b\r\n\r\nb\r\n", "intact");
case("cr-runs", "\r" x 70000, "intact");
case("crlf-only", "\r\n" x 1000, "intact");
case("cr-before-from", "\rFrom a\@b x\n\nb\n", "intact");
case("mixed-eol", "A: 1\r\nB: 2\nC: 3\r\n\nb\r\nc\n", "intact");
# many headers
for my $count (100, 1000, 10000, 30000) {
	case("headers-$count", join("", map { "X-H$_: v$_\n" } 1 .. $count) . "\nb\n", "intact");
}
case("same-header-20000", ("Received: x\n" x 20000) . "\nb\n", "intact");
# long header lines
for my $len (1024, 65535, 65536, 65537, 1048576, 4194304) {
	case("header-line-$len", "Subject: " . ("x" x $len) . "\n\nb\n", "intact");
}
case("folded-1mib", "Subject: a\n" . (" b\n" x 300000) . "\nb\n", "intact");
# headers without colon and other broken header lines
case("no-colon", "this is no header\nSubject: x\n\nb\n", "intact");
case("colon-first", ": value\n\nb\n", "intact");
case("only-colon", ":\n\nb\n", "intact");
case("space-in-name", "Sub ject: x\n\nb\n", "intact");
case("space-before-colon", "Subject : x\n\nb\n", "intact");
case("tab-name", "\tSubject: x\n\nb\n", "intact");
case("continuation-first", " folded: x\n\nb\n", "intact");
case("long-name", ("N" x 5000) . ": v\n\nb\n", "intact");
# missing parts
case("empty", "", "intact");
case("one-byte", "x", "intact");
case("only-newline", "\n", "intact");
case("no-blank-line", "Subject: x\nX-A: b", "intact");
case("only-body", "just text\n", "intact");
case("only-headers-no-eol", "Subject: x", "intact");
# 8-bit garbage
for my $i (1 .. 10) {
	case("junk-$i", junk(1000 * $i * $i), "intact");
}
# invalid UTF-8 and broken encoded words
case("utf8-overlong", "Subject: \xc0\xaf\xe0\x80\xaf\n\nb\n", "intact");
case("utf8-surrogate", "Subject: \xed\xa0\x80\n\nb\n", "intact");
case("utf8-truncated", "Subject: \xe2\x82\n\nb\n", "intact");
case("utf8-beyond", "Subject: \xf4\x90\x80\x80\xff\n\nb\n", "intact");
case("rfc2047-unterminated", "Subject: =?utf-8?B?AAAA\n\nb\n", "intact");
case("rfc2047-bad-base64", "Subject: =?utf-8?B?!!!!?=\n\nb\n", "intact");
case("rfc2047-bad-q", "Subject: =?utf-8?Q?=ZZ=?=\n\nb\n", "intact");
case("rfc2047-unknown-charset", "Subject: =?x-nope?B?QQ==?=\n\nb\n", "intact");
case("rfc2047-empty", "Subject: =??B??=\n\nb\n", "intact");
case("rfc2047-many", "Subject: " . ("=?utf-8?B?QQ==?= " x 20000) . "\n\nb\n", "intact");
# Message-IDs
case("msgid-10k", "Message-ID: <" . ("m" x 10240) . "\@x>\n\nb\n", "intact");
case("msgid-100k", "Message-ID: <" . ("m" x 102400) . "\@x>\n\nb\n", "intact");
case("msgid-empty", "Message-ID:\n\nb\n", "intact");
case("msgid-brackets", "Message-ID: <<<>>>\n\nb\n", "intact");
case("msgid-twice", "Message-ID: <a\@x>\nMessage-ID: <b\@x>\n\nb\n", "intact");
case("msgid-control", "Message-ID: <a\x01\x1b[2J\@x>\n\nb\n", "intact");
# From_ lines
case("from-only", "From ", "intact");
case("from-spaces", "From      \n\nb\n", "intact");
case("from-no-date", "From a\@b\nSubject: x\n\nb\n", "intact");
case("from-quoted", ">From a\@b x\nSubject: x\n\nb\n", "intact");
case("from-nospace", "From:a\@b\n\nb\n", "intact");
case("from-100k", "From " . ("a" x 102400) . " x\nSubject: x\n\nb\n", "intact");
case("from-crlf", "From a\@b x\r\nSubject: x\r\n\r\nb\r\n", "intact");
case("from-twice", "From a\@b x\nFrom c\@d y\n\nb\n", "intact");
case("from-control", "From a\x01\@b x\nSubject: x\n\nb\n", "intact");
case("from-nul", "From a\0b x\nSubject: x\n\nb\n", "intact");
# folder names: path tricks and control characters never leave the Maildir
my @folders = ("../x", "../../etc", "/etc", ".hidden", "a/../b", "a//b",
    "a/./b", "~/x", "INBOX/../../x", "a\nb", "a\tb", "a\rb", "a\x7f",
    "a\x1b[2J", "%", "*", "?", "a%b", "x" x 300, join("/", ("a") x 200),
    "&", "&-", "&AAA-", "&Jjo", "R\xc3\xa9sum\xc3\xa9", "\xff\xfe",
    "a.b.c", "..", ".", "/", "INBOX", "inbox/", "a/", "\xc2\x85");
for my $i (0 .. $#folders) {
	case("folder-$i", $hdr, "delivered", "-m", $folders[$i]);
}
# addresses: control characters are refused (64), odd but clean ones pass
case("sender-newline", $hdr, "exit=64", "-f", "a\@b\nX-Evil: 1");
case("sender-cr", $hdr, "exit=64", "-f", "a\@b\rX: 1");
case("sender-tab", $hdr, "exit=64", "-f", "a\t\@b");
case("sender-del", $hdr, "exit=64", "-f", "a\x7f\@b");
case("sender-esc", $hdr, "exit=64", "-f", "\x1b[2Ja\@b");
case("sender-3000", $hdr, "exit=64", "-f", ("s" x 3000) . "\@b");
case("rcpt-newline", $hdr, "exit=64", "-a", "r\@x\nDelivered-To: y");
case("rcpt-3000", $hdr, "exit=64", "-a", ("r" x 3000) . "\@x");
case("sender-quotes", $hdr, "delivered", "-f", "\"a b\"\@example.org");
case("sender-brackets", $hdr, "delivered", "-f", "<<a\@b>>");
case("sender-8bit", $hdr, "delivered", "-f", "\xc3\xa9\@b");
case("rcpt-shell", $hdr, "delivered", "-a", "\$(reboot)\@x;rm -rf /");
print "$n cases\n";
