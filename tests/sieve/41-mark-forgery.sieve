require "fileinto";
fileinto "cINBOX";
