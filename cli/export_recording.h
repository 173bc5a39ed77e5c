/* `cutover export --compressed` and `--jsonl`: a recording turned into its
 * block-compressed form (session/blockgz.h) and back. */
#ifndef CUTOVER_CLI_EXPORT_RECORDING_H
#define CUTOVER_CLI_EXPORT_RECORDING_H

/* Writes the compressed form of the plain recording at path to out (NULL:
 * path + ".gz"), read back and compared byte for byte before it replaces
 * anything, with its seek index beside it. The plain file is kept. Returns
 * the exit status after saying what was done or what went wrong. */
int ExportRecording_compressed(const char *path, const char *out);

/* Writes the plain form (the recorded lines, byte for byte) of a recording,
 * compressed or not, to out (NULL or "-": standard output). */
int ExportRecording_jsonl(const char *path, const char *out);

#endif
