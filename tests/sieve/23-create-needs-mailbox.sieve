require "fileinto";

fileinto :create "New";
