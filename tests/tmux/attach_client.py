#!/usr/bin/python3
"""A second person at the keyboard: attaches a tmux client to a session from
a pseudo-terminal of a given size, as a colleague's terminal would, and reads
(and discards) what tmux draws until it is killed.

  attach_client.py SOCKET_NAME SESSION COLS ROWS"""
import fcntl
import os
import pty
import struct
import sys
import termios

socket_name, session, cols, rows = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
pid, fd = pty.fork()
if pid == 0:
    os.environ["TERM"] = "xterm-256color"
    os.execvp("tmux", ["tmux", "-L", socket_name, "attach-session", "-t", session])
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
try:
    while os.read(fd, 65536):
        pass
except OSError:
    pass
