# Nothing to do but require: implicit keep.  libsieve refuses this form.
require ["fileinto", "envelope"];
