/* Block-compressed recordings: a recording cut into blocks of whole lines
 * (at most BLOCKGZ_BLOCK_MAX bytes each), every block a complete gzip member
 * (RFC 1952). Concatenated members are one valid gzip file, so zcat, zgrep
 * and `gzip -t` read it as the plain recording; and each member says its
 * own compressed size in an extra field (subfield "CO"), so a reader finds
 * every block without inflating the ones before it and can start anywhere.
 * Offsets are those of the plain recording: a seek index built on the plain
 * form holds for the compressed one.
 *
 * The live recording stays plain (appended line by line, followed by a pair
 * over tmux, cut at most mid-line by a crash); a finished one is compressed
 * afterwards (`cutover export --compressed`), read back and compared before
 * it is kept. */
#ifndef CUTOVER_SESSION_BLOCKGZ_H
#define CUTOVER_SESSION_BLOCKGZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define BLOCKGZ_BLOCK_MAX 65536

typedef struct BlockGz BlockGz;

/* Whether the file open on fd starts as a block-compressed recording. */
bool BlockGz_detect(int fd);

/* Finds the blocks of the file open on fd (not owned; path is for messages).
 * NULL with a message naming the file and the byte where it stops making
 * sense. A last block cut short (a copy that stopped) is left out and said
 * by BlockGz_cut. */
BlockGz *BlockGz_open(int fd, const char *path, char *err, size_t errsize);
void BlockGz_close(BlockGz *g);

/* The plain recording's length. */
int64_t BlockGz_size(const BlockGz *g);

/* Up to n bytes of the plain recording from offset: the count read (0 at
 * the end), or -1 with the reason in BlockGz_error. */
ssize_t BlockGz_pread(BlockGz *g, void *buf, size_t n, int64_t offset);
const char *BlockGz_error(const BlockGz *g);

/* "" or why the file ends before its last block does. */
const char *BlockGz_cut(const BlockGz *g);

/* Writes the plain recording read from in as blocks to out (both file
 * descriptors, read and written from where they stand). 0, or -1 with a
 * message. */
int BlockGz_compress(int in, int out, char *err, size_t errsize);

#endif
