# set modifiers and match variables in folder names
require ["variables", "fileinto"];
if header :matches "from" "* <*@*>" {
  set :lowerfirst :upper "who" "${1}";
  set :upperfirst "dom" "${3}";
  set :length "len" "${2}";
  set :quotewildcard "q" "a*b?c\\d";
  fileinto "Who/${who}-${dom}-${len}";
  if string :is "${q}" "a\\*b\\?c\\\\d" {
    fileinto "Quoted";
  }
  if string :matches "${0}" "*<*" {
    fileinto "Whole";
  }
}
set "x" "${unset}";
if string :is "${x}" "" {
  keep;
}
