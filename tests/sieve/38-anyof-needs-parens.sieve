if anyof true { keep; }
if not (true, false) { keep; }
