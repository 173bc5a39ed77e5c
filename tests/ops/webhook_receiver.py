#!/usr/bin/python3
"""Webhook receivers for the notify tests.

  webhook_receiver.py MODE PORT_FILE LOG [TOKEN]

Listens on 127.0.0.1 (a free port, written to PORT_FILE).
  answer: every POST gets 204 after its body is read; one line per request
          goes to LOG: "PATH BODY" (the body as received, one JSON line).
          With TOKEN, a request without "Authorization: Bearer TOKEN" gets
          401 and is logged as "PATH 401".
  hang:   connections are accepted and read, and never answered (a webhook
          that has died behind a load balancer); LOG gets "PATH held" per
          request.
Runs until killed."""
import os
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

mode, port_file, log_path = sys.argv[1:4]
token = sys.argv[4] if len(sys.argv) > 4 else None
lock = threading.Lock()


def log(line):
    with lock, open(log_path, "a", encoding="utf-8") as f:
        f.write(line + "\n")


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode("utf-8", "replace")
        if mode == "hang":
            log(f"{self.path} held")
            threading.Event().wait()  # never answers; the client gives up
        if token and self.headers.get("Authorization") != f"Bearer {token}":
            log(f"{self.path} 401")
            self.send_response(401)
        else:
            log(f"{self.path} {body}")
            self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()


class Server(ThreadingHTTPServer):
    daemon_threads = True
    address_family = socket.AF_INET


server = Server(("127.0.0.1", 0), Handler)
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
# The rename makes the port file appear whole.
os.rename(port_file + ".tmp", port_file)
server.serve_forever()
