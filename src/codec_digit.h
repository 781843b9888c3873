/* codec_digit.h: the value of one digit of the hexadecimal and the
 * base64 alphabets (RFC 4648 sections 8 and 4), which every decoder here
 * reads: quoted-printable and base64 content, RFC 2047 encoded words,
 * RFC 2231 parameter values, %-escapes of URIs, encoded-character. */
#ifndef DELIVER_CODEC_DIGIT_H
#define DELIVER_CODEC_DIGIT_H

/* 0..15 for 0-9, a-f, A-F; -1 for anything else. */
int hex_digit_value(unsigned char c);

/* 0..63 for A-Z, a-z, 0-9, '+', '/'; -1 for anything else (the padding
 * '=' included: each decoder has its own rule for it). */
int base64_digit_value(unsigned char c);

#endif
