"""A tiny SMTP server for tests: it accepts every message and keeps it."""
from __future__ import annotations

import email
import email.policy
import socketserver
import threading


class _Session(socketserver.StreamRequestHandler):
    def _reply(self, line: str) -> None:
        self.wfile.write((line + "\r\n").encode())

    def handle(self):
        self._reply("220 sink ready")
        while line := self.rfile.readline():
            verb = line.decode().strip().split(" ", 1)[0].upper()
            if verb == "DATA":
                self._reply("354 go on")
                body = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    body += chunk[1:] if chunk.startswith(b"..") else chunk
                self.server.messages.append(email.message_from_bytes(body, policy=email.policy.default))
                self._reply("250 kept")
            elif verb == "QUIT":
                self._reply("221 bye")
                return
            else:  # EHLO, HELO, MAIL, RCPT, RSET, NOOP
                self._reply("250 ok")


class SmtpSink(socketserver.ThreadingTCPServer):
    """Listens on a free port of 127.0.0.1; `messages` holds what arrived."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Session)
        self.messages: list = []
        self.port = self.server_address[1]
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()
