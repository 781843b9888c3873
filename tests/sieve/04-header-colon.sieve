# A header name with its colon, as in the message.
if header :is "X-Spam-Status:" "Yes" { discard; }
if exists ["List-Id:", "List-Post"] { keep; }
if address :localpart :is "From:" "root" { discard; }
