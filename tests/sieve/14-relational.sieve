require ["relational", "comparator-i;ascii-numeric"];
if header :count "GE" :comparator "i;ascii-numeric" "received" "20" {
	discard;
}
if header :value "lt" :comparator "i;ascii-numeric" "x-priority" "3" {
	keep;
}
