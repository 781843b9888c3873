/* sieve_file.h: reading a Sieve script file.
 *
 * The same rules whoever reads the script (the delivery, the libsieve
 * children, deliver -C): a regular file (a symlink is followed: the
 * ~/.dovecot.sieve that ManageSieve keeps is one), at most
 * SIEVE_SCRIPT_MAX bytes, and text: a NUL byte makes it a broken script,
 * reported with its position. */
#ifndef DELIVER_SIEVE_FILE_H
#define DELIVER_SIEVE_FILE_H

/* 1 with the malloced text, 0 when it does not exist, -1 on another
 * error (errno set; EFBIG when too long, EILSEQ when it holds a NUL byte:
 * sieve_read_nul_pos says where). */
int sieve_read_script(const char *path, char **text);

/* The same from a descriptor opened O_NONBLOCK (closed here): 0 with the
 * text, -1 with errno set (EINVAL: not a regular file). */
int sieve_read_script_fd(int fd, char **text);

/* Where the NUL byte was that made the last read fail with EILSEQ
 * (1-based line and column, columns counted in bytes). */
void sieve_read_nul_pos(unsigned *line, unsigned *col);

#endif
