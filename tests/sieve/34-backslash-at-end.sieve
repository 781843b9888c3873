require "fileinto";
fileinto "ends\\";
