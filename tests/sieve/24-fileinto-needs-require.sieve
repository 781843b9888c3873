if header :contains "subject" "x" {
	fileinto "X";
}
