require "x-frobnicate";
keep;
