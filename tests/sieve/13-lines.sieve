# Commands stay on their lines, so libsieve's line numbers
# still point into this file.

/* a bracket
   comment */
if true
{
	keep;


}
stop;
