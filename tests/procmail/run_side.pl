#!/usr/bin/perl
# run_side.pl: one half of the procmail comparison (oracle.sh runs it):
# every message through one program, in order, and after each what the
# home and the sendmail captures hold.
#
#   run_side.pl RUNDIR SIDE MSGDIR MESSAGES.LIST -- COMMAND ARG...
#
# COMMAND runs once per message (MSGDIR/NAME.eml on stdin, output
# appended to RUNDIR/SIDE.out); "{from}" and "{to}" in its arguments
# become the message's envelope sender and recipient.  After each run,
# RUNDIR/SIDE.snap gets "== NAME EXIT" and one "PATH<TAB>SIZE" line per
# file under RUNDIR/home and RUNDIR/cap-SIDE (paths relative to RUNDIR).
# One process for the whole list: a find and a sort per message cost as
# much as the delivery itself.
use strict;
use warnings;
use File::Find;

my ($R, $side, $msgdir, $list, $dashes, @cmd) = @ARGV;
die "usage: run_side.pl RUNDIR SIDE MSGDIR LIST -- COMMAND...\n"
    unless defined $dashes && $dashes eq '--' && @cmd;

# how long a message's run and what it started may take, all in all
my $limit = ($ENV{STEP_TIMEOUT} // 30) + 10;

open my $snap, '>', "$R/$side.snap" or die "$R/$side.snap: $!";
open my $lf, '<', $list or die "$list: $!";
while (my $line = <$lf>) {
	chomp $line;
	my ($name, $from, $to) = split /\t/, $line;
	$from = '' if $from eq '<>';
	my @argv = map { s/\{from\}/$from/gr =~ s/\{to\}/$to/gr } @cmd;
	# procmail does not wait for what it starts without the w flag (a
	# forward's sendmail, the clone of a c block): the run is over when
	# every process holding its stdout and stderr is gone, so they are
	# a pipe read to the end (bounded by an alarm)
	pipe(my $rd, my $wr) or die "pipe: $!";
	my $pid = fork // die "fork: $!";
	if ($pid == 0) {
		close $rd;
		open STDIN, '<', "$msgdir/$name.eml" or die "$name: $!";
		open STDOUT, '>&', $wr or die "stdout: $!";
		open STDERR, '>&', $wr or die "stderr: $!";
		exec { $argv[0] } @argv or die "$argv[0]: $!";
	}
	close $wr;
	open my $out, '>>', "$R/$side.out" or die "$side.out: $!";
	eval {
		local $SIG{ALRM} = sub { die "alarm\n" };
		alarm $limit;
		while (sysread $rd, my $buf, 65536) { print $out $buf; }
		alarm 0;
	};
	print $out "run_side: $name: still running after ${limit}s\n" if $@;
	close $rd;
	close $out;
	waitpid $pid, 0;
	my $st = $? & 127 ? 128 + ($? & 127) : $? >> 8;
	print $snap "== $name $st\n";
	my @files;
	find({ no_chdir => 1, wanted => sub {
		return unless -f $_;
		push @files, [substr($_, length($R) + 1), -s _];
	} }, grep { -d } "$R/home", "$R/cap-$side");
	print $snap "$_->[0]\t$_->[1]\n" for @files;
}
close $snap or die "$R/$side.snap: $!";
