#!/usr/bin/perl
# compare.pl: the outcomes of one rc file under procmail and under deliver
# running its translation, as two TAP tests (oracle.sh runs it).
#
#   compare.pl RUNDIR NAME TRANSLATE-EXIT CHECK-EXIT MESSAGES.LIST SUMMARY
#
# RUNDIR holds, per side (procmail, deliver), SIDE.snap (after every
# message: "== NAME EXIT", then "PATH<TAB>SIZE" for each file of the home
# and of the sendmail captures) and SIDE-home (the home at the end), and
# the translator's report.  A message's outcome is what appeared or grew
# between its snapshot and the one before, as sorted lines:
#   store FOLDER      a new file in FOLDER/new or FOLDER/cur; FOLDER is
#                     INBOX for ~/Maildir itself, the directory name under
#                     ~/Maildir (".Lists.foo", "archive") or ~/PATH outside
#   mh DIR            a new numbered file in DIR (an MH folder)
#   mbox FILE         each "From " line appended to FILE
#   write FILE        FILE grew without a "From " line
#   forward ADDRESS   each recipient of a sendmail call
#   exit N            the program's exit status when not 0
#   (nothing)         none of these (discarded)
# the same line n > 1 times is written "LINE x n".  Files that are state,
# not mail (procmail's logs and locks, formail's msgid.cache, deliver.db,
# Maildir++ bookkeeping) are not looked at.
#
# Test 1: the translation exited 0 or 1, its report keeps the contract
# (FILE:LINE: exact | differs: R | untranslatable: R | note: T, last line
# "procmailrc: N recipes: A exact, B with differences, C not translatable"
# with counts that agree with the lines and the exit status; FILE the rc
# file or one it includes), each recipe listed has its "# FILE line N"
# comment in the script, and deliver accepts the script (-C).
# Test 2: every message's outcome is the same, or the report announced a
# difference (a "differs" or "untranslatable" line) that can explain it:
# a reason that Sieve decodes RFC 2047 encoded words explains only the
# messages with an encoded word in their header, any other reason every
# message of the rc file.  A translation that says it is exact must show
# no difference at all.
# Appends "PAIRS IDENTICAL ANNOUNCED UNANNOUNCED" to SUMMARY.
use strict;
use warnings;

my ($R, $name, $trc, $crc, $list, $summary) = @ARGV;
my @msgs = map { (split /\t/)[0] } read_lines($list);

sub read_lines {
	my ($f) = @_;
	open my $fh, '<', $f or return ();
	chomp(my @l = <$fh>);
	return @l;
}

sub diag { print map { "#   $_\n" } @_; }

# --- test 1: the translation and its report -------------------------------
my @report = read_lines("$R/report");
my @problems;
my (%worst, $sum);
my %rank = (exact => 0, differs => 1, untranslatable => 2);
for my $i (0 .. $#report) {
	my $l = $report[$i];
	if ($l =~ /^procmailrc: (\d+) recipes: (\d+) exact, (\d+) with differences, (\d+) not translatable$/) {
		push @problems, "summary line is not the last line" if $i != $#report;
		$sum = [$1, $2, $3, $4];
	} elsif ($l =~ /^(.+:\d+): (exact|differs|untranslatable)(: (.+))?$/) {
		my ($where, $kind, $why) = ($1, $2, $4);
		push @problems, "line without a reason: $l"
		    if $kind ne 'exact' && !defined $why;
		$worst{$where} = $kind
		    if !defined $worst{$where} || $rank{$kind} > $rank{$worst{$where}};
	} elsif ($l =~ /^.+:\d+: note: ./) {
	} else {
		push @problems, "line outside the contract: $l";
	}
}
# every recipe the report lists (a line starting ":0"; the report lists
# some assignments too) is in the script with its line comment
# ("# .procmailrc line N", or the included file's path), and the report
# names only the rc file and the files it includes (~/.procmail/)
my $script = join("\n", read_lines("$R/script.sieve"));
for my $where (sort keys %worst) {
	my ($file, $line) = $where =~ /^(.+):(\d+)$/;
	my $base = $file =~ s{.*/}{}r;
	push @problems, "the report names a file outside the home: $file"
	    unless $file eq "$R/home/.procmailrc"
	    || $file =~ m{^\Q$R\E/home/\.procmail/[^/]+$};
	next if $trc ne '0' && $trc ne '1';
	# a recipe (":0" on its line), not an assignment the report lists
	my @rc = read_lines($file =~ s{^\Q$R\E/home/}{$R/procmail-home/}r);
	next unless defined $rc[$line - 1] && $rc[$line - 1] =~ /^\s*:0/;
	push @problems, "no \"# $base line $line\" comment in the script"
	    unless $script =~ /^\s*# (\Q$file\E|\Q$base\E) line $line$/m;
}
my %count = (exact => 0, differs => 0, untranslatable => 0);
$count{$_}++ for values %worst;
if ($trc ne '0' && $trc ne '1') {
	push @problems, "translation exit $trc (procmail runs this file)";
} elsif (!$sum) {
	push @problems, "no summary line";
} else {
	my ($n, $a, $b, $c) = @$sum;
	push @problems, "summary $n recipes != $a + $b + $c" if $n != $a + $b + $c;
	push @problems, "summary says $a exact, $b with differences, $c not "
	    . "translatable; the lines say $count{exact}, $count{differs}, "
	    . "$count{untranslatable}"
	    if $a != $count{exact} || $b != $count{differs}
	    || $c != $count{untranslatable};
	my $want = ($b + $c) ? 1 : 0;
	push @problems, "exit $trc, but the report wants exit $want"
	    if $trc != $want;
	push @problems, "deliver -C refuses the script (exit $crc)"
	    . join('', map { "\n      $_" } read_lines("$R/check.out"))
	    if $crc ne '0';
}
if (@problems) {
	print "not ok - $name: translation and report\n";
	diag(@problems);
} else {
	print "ok - $name: translation (exit $trc) and report\n";
}

# --- test 2: the outcomes --------------------------------------------------
my %STATE = map { $_ => 1 } qw(msgid.cache msgid.lock .procmailrc
    procmail.log from subscriptions maildirfolder maildirsize .lockmail);

sub is_state {
	my ($p) = @_;
	my $base = $p =~ s{.*/}{}r;
	return 1 if $STATE{$base} || $base =~ /\.lock$/ || $base =~ /^deliver\.db/
	    || $base =~ /^dovecot/ || $base =~ /^msg\.\d+$/;
	return 1 if $p =~ m{^home/\.procmail/};
	return 0;
}

# where HOME-PATH is, in the words of the outcome
sub place {
	my ($dir) = @_;
	return 'INBOX' if $dir eq 'home/Maildir';
	return $1 if $dir =~ m{^home/Maildir/(.+)$};
	return '~/' . ($dir =~ s{^home/}{}r);
}

sub recipients {
	my ($argv) = @_;
	my @a = read_lines($argv);
	my @to;
	while (@a) {
		my $x = shift @a;
		if ($x eq '--') { push @to, @a; last; }
		if ($x =~ /^-[fFrNRVBX]$/) { shift @a; next; }
		next if $x =~ /^-/;
		push @to, $x;
	}
	return @to;
}

# outcomes SIDE: { message => [lines] }
sub outcomes {
	my ($side) = @_;
	my (%out, %prev, %cur, $msg, $status);
	my $flush = sub {
		return unless defined $msg;
		my @l;
		for my $p (sort keys %cur) {
			next if is_state($p);
			my $old = $prev{$p};
			next if defined $old && $old >= $cur{$p};
			if ($p =~ m{^cap-\w+/argv\.\d+$}) {
				push @l, "forward $_" for recipients("$R/$p");
			} elsif ($p =~ m{^(.*)/(new|cur)/[^/]+$}) {
				push @l, 'store ' . place($1) if !defined $old;
			} elsif ($p =~ m{^(.*)/\d+$}) {
				push @l, 'mh ' . place($1) if !defined $old;
			} else {
				my $n = from_lines("$R/$side-" . $p, $old // 0,
				    $cur{$p});
				my $f = place($p);
				push @l, $n ? ("mbox $f") x $n : "write $f";
			}
		}
		push @l, "exit $status" if $status ne '0';
		@l = ('(nothing)') unless @l;
		my %n;
		$n{$_}++ for @l;
		$out{$msg} = [map { $n{$_} > 1 ? "$_ x $n{$_}" : $_ } sort keys %n];
		%prev = %cur;
	};
	for (read_lines("$R/$side.snap")) {
		if (/^== (\S+) (\S+)$/) {
			$flush->();
			($msg, $status, %cur) = ($1, $2);
		} elsif (/^(.*)\t(\d+)$/) {
			$cur{$1} = $2;
		}
	}
	$flush->();
	return \%out;
}

# "From " lines (mbox separators) in bytes FROM..TO of a file
sub from_lines {
	my ($file, $from, $to) = @_;
	open my $fh, '<:raw', $file or return 0;
	seek $fh, $from, 0 or return 0;
	my $got = read $fh, my $buf, $to - $from;
	return 0 unless $got;
	my $n = () = $buf =~ /^From /mg;
	return $n;
}

# What the report announces.  Each differs/untranslatable reason is
# split on "; "; a part saying Sieve decodes RFC 2047 encoded words
# explains only a message whose header holds one ("=?"), any other part
# explains every message of the rc file.
my ($general, $encoded) = (0, 0);
for (grep { /: (differs|untranslatable): / } @report) {
	for my $part (split /; /, s/^.*?: (differs|untranslatable): //r) {
		if ($part =~ /RFC 2047 encoded words/) { $encoded++ }
		else { $general++ }
	}
}
my $msgdir = ($list =~ s{/[^/]*$}{}r) . '/msgs';

sub has_encoded_word {
	my ($m) = @_;
	open my $fh, '<:raw', "$msgdir/$m.eml" or return 0;
	while (<$fh>) {
		last if /^\r?$/;
		return 1 if /=\?/;
	}
	return 0;
}

my $p = outcomes('procmail');
my $d = (-f "$R/deliver.snap") ? outcomes('deliver') : {};
my ($same, $ann, @diff, @unann) = (0, 0);
for my $m (@msgs) {
	my $pl = join('; ', @{ $p->{$m} // ['(not run)'] });
	my $dl = join('; ', @{ $d->{$m} // ['(not run)'] });
	if ($pl eq $dl) { $same++; next; }
	my $why = $trc ne '1' ? ''
	    : $general ? 'announced'
	    : $encoded && has_encoded_word($m) ? 'announced: encoded words'
	    : '';
	if ($why) {
		$ann++;
	} else {
		$why = 'NOT announced';
		push @unann, $m;
	}
	push @diff, "$m ($why):", "  procmail: $pl", "  deliver:  $dl";
}
my $ndiff = @msgs - $same;
my $unann = @unann;
if ($unann) {
	print "not ok - $name: ", scalar(@msgs), " messages, $ndiff differ, ",
	    "$unann NOT announced (@unann)\n";
} else {
	print "ok - $name: ", scalar(@msgs), " messages, $same identical",
	    ($ndiff ? ", $ndiff differ (announced)" : ''), "\n";
}
diag(@diff);
if ($ndiff) {
	diag('the report announced:',
	    map { "  $_" } grep { /: (differs|untranslatable)/ } @report);
}
print "# $name: ", scalar(@msgs), " messages, $same identical, $ann announced ",
    "differences, $unann unannounced; translation exit $trc: $count{exact} ",
    "exact, $count{differs} with differences, $count{untranslatable} not ",
    "translatable\n";
open my $s, '>>', $summary or die "$summary: $!";
print $s scalar(@msgs), " $same $ann $unann\n";
