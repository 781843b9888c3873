#!/usr/bin/perl
# compare.pl WORK KNOWN [libsieve]: the judging half of the differential
# test.  Reads what run.sh and pigeonhole.sh left in WORK/out/, turns each
# side's output into one normalized outcome per script x message pair, and
# prints TAP: one test per pair for deliver's default engine (a difference
# passes only when KNOWN, known-differences.md, lists the pair with its
# reason), and, with "libsieve", one note per pair where the libsieve
# engine differs.  SKELETON=FILE writes the unlisted differences there as
# table rows to fill in.
#
# The normalized outcome is a sorted list of lines:
#   store FOLDER [flags=LETTERS] [keywords=K1,K2]   (keep is store INBOX)
#   redirect ADDRESS | reject | notify
#   vacation reply to ADDRESS seconds=N  (only when the reply goes out)
#   error                                 (the script failed: failsafe keep)
# A message stored nowhere and sent nowhere shows as "(nothing)".
use strict;
use warnings;
use Encode qw(decode encode);
use MIME::Base64 qw(decode_base64);

my ($work, $known_file, $with_libsieve) = @ARGV;
my %system_flag = ('\\seen' => 'S', '\\answered' => 'R', '\\flagged' => 'F',
    '\\deleted' => 'T', '\\draft' => 'D');

sub slurp {
	my ($f) = @_;
	open(my $fh, '<', $f) or return '';
	local $/;
	my $s = <$fh>;
	close $fh;
	return $s;
}

# deliver -n prints names as strvis(3) does (C-style, octal) when they are
# not plain ASCII, and folders by their on-disk names, in IMAP's modified
# UTF-7 (RFC 3501 5.1.3); Pigeonhole prints UTF-8 as written.
sub unvis {
	my ($s) = @_;
	my %c = (n => "\n", t => "\t", r => "\r", s => ' ', a => "\a",
	    b => "\b", f => "\f", v => "\013");
	$s =~ s{\\(?:([0-7]{1,3})|(.))}
	    {defined $1 ? chr(oct $1) : ($c{$2} // $2)}gse;
	return $s;
}

sub mutf7 {
	my ($s) = @_;
	$s =~ s{&([^-]*)-}{
		my $b = $1;
		if ($b eq '') {
			'&';
		} else {
			$b =~ tr{,}{/};
			$b .= '=' x ((4 - length($b) % 4) % 4);
			encode('UTF-8', decode('UTF-16BE', decode_base64($b)));
		}
	}ge;
	return $s;
}

# Both sides name sub-folders with the separator the user wrote ("/") or
# Maildir++'s ("."): one form, so that a name compares equal either way;
# and INBOX in any case is INBOX (RFC 3501 5.1), as Dovecot stores it.
sub folder {
	my ($f) = @_;
	$f =~ tr{/}{.};
	$f =~ s/^inbox(?=\.|$)/INBOX/i;
	return $f;
}

sub store_line {
	my ($folder, $letters, @keywords) = @_;
	my $l = 'store ' . folder($folder);
	my %seen;
	my $f = join '', sort grep { !$seen{$_}++ } split //, $letters;
	$l .= " flags=$f" if $f ne '';
	my %k;
	my @kw = sort grep { !$k{$_}++ } @keywords;
	$l .= ' keywords=' . join(',', @kw) if @kw;
	return $l;
}

# A vacation counts only when its reply goes out (the rules that hold it
# back, RFC 5230 4.5 and RFC 3834, apply in the executing runs).
sub vacation_line {
	my ($set, $seconds, $log, $sent_re) = @_;
	$set->{"vacation reply to $1 seconds=$seconds"} = 1 if $log =~ $sent_re;
}

sub finish {
	my (%set) = @_;
	my @l = sort keys %set;
	return @l ? join("\n", @l) : '(nothing)';
}

sub pigeonhole {
	my ($base) = @_;
	my $out = slurp("$base.out");
	my $err = slurp("$base.err");
	return "sieve-test panic" if $err =~ /Panic:/;
	return 'error' if $err =~ /failed to compile|final result: (?!success)/
	    || $err !~ /rc=0\s*\z/;
	my (%set, $store, @flags);
	my $flush = sub {
		return unless defined $store;
		my ($letters, @kw) = ('');
		for my $w (@flags) {
			if (exists $system_flag{lc $w}) {
				$letters .= $system_flag{lc $w};
			} else {
				push @kw, $w;
			}
		}
		$set{store_line($store, $letters, @kw)} = 1;
		undef $store;
		@flags = ();
	};
	my $vac;
	for (split /\n/, $out) {
		if (/^ \* (.*)$/) {
			my $a = $1;
			$flush->();
			if ($a =~ /^store message in folder: (.*)$/) {
				$store = $1;
			} elsif ($a eq 'keep') {
				$store = 'INBOX';
			} elsif ($a =~ /^redirect message to: <?(.*?)>?$/) {
				$set{"redirect $1"} = 1;
			} elsif ($a =~ /^reject message/) {
				$set{reject} = 1;
			} elsif ($a eq 'discard') {
			} elsif ($a =~ /^send vacation message/) {
				$vac = 0;
			} elsif ($a =~ /notification/) {
				$set{notify} = 1;
			} else {
				$set{"other: $a"} = 1;
			}
		} elsif (/^\s+\+ add IMAP flags:\s*(.*)$/ && defined $store) {
			push @flags, split ' ', $1;
		} elsif (/^    => seconds : (\d+)/ && defined $vac) {
			$vac = $1;
		}
	}
	$flush->();
	if (defined $vac) {
		vacation_line(\%set, $vac, slurp("$base.exec.err"),
		    qr/sent vacation response to <([^>]*)>/);
	}
	return finish(%set);
}

sub deliver {
	my ($base) = @_;
	my $out = slurp("$base.out");
	my $err = slurp("$base.err");
	# a script error, or the libsieve child killed (it keeps the message)
	return 'error' if $out =~ /^trace: (?:error:|.*killed by signal)/m;
	my %set;
	$set{"deliver exit $1"} = 1 if $err =~ /rc=(\d+)\s*\z/ && $1 != 0;
	for (split /\n/, $out) {
		next if /^trace: /;
		s/ header=edited$//;   # editheader's version: same outcome
		if (/^fileinto (.*?)(?: flags=([A-Z]*))?(?: keywords=(.*))?$/) {
			# keywords: space-separated IMAP keywords
			$set{store_line(mutf7(unvis($1)), $2 // '',
			    split(' ', unvis($3 // '')))} = 1;
		} elsif (/^redirect (.*)$/) {
			$set{'redirect ' . unvis($1)} = 1;
		} elsif (/^reject/) {
			$set{reject} = 1;
		} elsif (/^discard$/) {
		} elsif (/^vacation .*days=(\d+)/) {
			vacation_line(\%set, $1 * 86400,
			    slurp("$base.exec.err"),
			    qr/vacation reply sent to <([^>]*)>/);
		} elsif (/^notify /) {
			$set{notify} = 1;
		} else {
			$set{"other: $_"} = 1;
		}
	}
	return finish(%set);
}

# known-differences.md: "## native" and "## libsieve" sections of table
# rows "| script | message | reason |"; message "*" is every message.
sub read_known {
	my (%k, $section);
	open(my $fh, '<', $known_file) or return %k;
	while (<$fh>) {
		if (/^## (\w+)/) {
			$section = lc $1;
		} elsif (defined $section &&
		    /^\|\s*`?([^|`]+?)`?\s*\|\s*`?([^|`]+?)`?\s*\|\s*(.*?)\s*\|\s*$/) {
			next if $1 eq 'script' || $1 =~ /^-+$/;
			$k{"$section $1 $2"} = $3;
		}
	}
	close $fh;
	return %k;
}

my %known = read_known();
my %name;
for (split /\n/, slurp("$work/scripts.names")) {
	my ($id, $path) = split /\t/;
	$name{$id} = $path;
}
my @scripts = split /\n/, slurp("$work/scripts.list");
my @messages = map { (split ' ')[0] } split /\n/, slurp("$work/messages.list");

# the reason a pair is listed with, and the row (its key in %known) that
# lists it; every native row a pair consults is remembered, as differing or
# agreeing, so that a row that no longer describes a difference is found
my (%row_differs, %row_agrees);
sub listed {
	my ($section, $script, $m) = @_;
	for my $key ("$section $script $m", "$section $script *") {
		return ($known{$key}, $key) if defined $known{$key};
	}
	return (undef, undef);
}

# A native row whose pairs agree now (deliver or sieve-test changed), or
# that names no pair at all (a script or message renamed), would hide a
# future difference of that pair: the list must stay true.
sub stale_rows_test {
	my ($t) = @_;
	my @stale;
	for my $key (sort grep { /^native / } keys %known) {
		(my $shown = $key) =~ s/^native //;
		if ($row_agrees{$key}) {
			my @on = @{$row_agrees{$key}};
			push @stale, "$shown: agrees now on " .
			    (@on == @messages ? 'every message' : join(', ', @on));
		} elsif (!$row_differs{$key}) {
			push @stale, "$shown: names no pair of this run";
		}
	}
	print((@stale ? 'not ok' : 'ok') .
	    " $t - every native row of known-differences.md lists a difference\n");
	print "# stale row: $_\n" for @stale;
	return !@stale;
}

sub diag {
	my ($ph, $dl, $what) = @_;
	print "#   pigeonhole: $_\n" for split /\n/, $ph;
	print "#   $what: $_\n" for split /\n/, $dl;
}

my @skeleton;
my ($n, $fail, $agree, $known_n) = (0, 0, 0, 0);
my ($lib_agree, $lib_diff) = (0, 0);
# one test a pair, and a last one: every native row still lists a difference
print "1..", scalar(@scripts) * scalar(@messages) + 1, "\n";
for my $s (@scripts) {
	for my $m (@messages) {
		my $pair = "$name{$s} x $m";
		my $ph = pigeonhole("$work/out/ph/$s\@$m");
		my $dl = deliver("$work/out/native/$s\@$m");
		my ($why, $row) = listed('native', $name{$s}, $m);
		$n++;
		if ($ph eq $dl) {
			$agree++;
			print "ok $n - $pair\n";
			push @{$row_agrees{$row}}, $m if defined $row;
		} elsif (defined $why) {
			$known_n++;
			$row_differs{$row}++;
			print "ok $n - $pair # known difference: $why\n";
			diag($ph, $dl, 'deliver');
		} else {
			$fail++;
			print "not ok $n - $pair\n";
			diag($ph, $dl, 'deliver');
			push @skeleton, "native | $name{$s} | $m | " .
			    join('; ', split /\n/, $ph) . ' <> ' .
			    join('; ', split /\n/, $dl);
		}
		next unless $with_libsieve;
		my $ls = deliver("$work/out/libsieve/$s\@$m");
		if ($ls eq $ph) {
			$lib_agree++;
			next;
		}
		$lib_diff++;
		my ($lwhy) = listed('libsieve', $name{$s}, $m);
		print "# libsieve differs: $pair" .
		    (defined $lwhy ? " (known: $lwhy)\n" : " (not listed)\n");
		diag($ph, $ls, 'libsieve') unless defined $lwhy;
		push @skeleton, "libsieve | $name{$s} | $m | " .
		    join('; ', split /\n/, $ph) . ' <> ' .
		    join('; ', split /\n/, $ls) unless defined $lwhy;
	}
}
print "# $n pairs: $agree agree, $known_n known differences, $fail unlisted\n";
$fail++ unless stale_rows_test($n + 1);
print "# libsieve: $lib_agree agree, $lib_diff differ (notes, not failures)\n"
    if $with_libsieve;
if ($ENV{SKELETON}) {
	open(my $fh, '>', $ENV{SKELETON}) or die "$ENV{SKELETON}: $!\n";
	print $fh "$_\n" for @skeleton;
	close $fh;
}
exit($fail ? 1 : 0);
