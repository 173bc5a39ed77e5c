#!/usr/bin/python3
"""A stand-in for an operations API that puts an application into
maintenance, for running the console's http maintenance method on the lab.

  ops_api.py FLAG TOKEN PORT_FILE LOG

Listens on 127.0.0.1 (a free port, written to PORT_FILE). POST /maintenance
with the header "Authorization: Bearer TOKEN" and a JSON body {"on": true}
creates FLAG (the file the lab application honours), {"on": false} removes
it; the answer is 204. A missing or wrong token gets 401, a body that is not
that JSON 400, anything else 404. One line per request goes to LOG
("METHOD PATH STATUS on=..."), never the token. Runs until killed.

A fault for the point-of-no-return tests: while the file FLAG.fail-off
exists, {"on": false} removes FLAG (the application resumes) and then
answers 500, as an API that switched and failed afterwards."""
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

flag, token, port_file, log_path = sys.argv[1:5]


def log(line):
    with open(log_path, "a", encoding="utf-8") as f:
        f.write(line + "\n")


class Handler(BaseHTTPRequestHandler):
    def answer(self, status, note=""):
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()
        log(f"{self.command} {self.path} {status}{' ' + note if note else ''}")

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path != "/maintenance":
            return self.answer(404)
        if self.headers.get("Authorization") != f"Bearer {token}":
            return self.answer(401, "bad token")
        try:
            on = json.loads(body)["on"]
        except (ValueError, KeyError, TypeError):
            return self.answer(400, "bad body")
        if on is True:
            open(flag, "a").close()
        elif on is False:
            if os.path.exists(flag):
                os.remove(flag)
            if os.path.exists(flag + ".fail-off"):
                return self.answer(500, "on=false switched, then failed")
        else:
            return self.answer(400, "bad body")
        self.answer(204, f"on={str(on).lower()}")

    def log_message(self, *args):
        pass


server = HTTPServer(("127.0.0.1", 0), Handler)
with open(port_file + ".tmp", "w", encoding="utf-8") as f:
    f.write(str(server.server_address[1]))
os.replace(port_file + ".tmp", port_file)
server.serve_forever()
