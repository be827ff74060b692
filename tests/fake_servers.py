"""Minimal local servers speaking the OpenAI and Ollama chat protocols, and AWS event-stream encoding.

They let provider tests exercise the real client libraries end to end, on loopback only.
"""

from __future__ import annotations

import binascii
import json
import struct
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class ChatServer:
    """Streams `reply` word by word on /v1/chat/completions (OpenAI SSE) and /api/chat (Ollama NDJSON)."""

    def __init__(self, reply: str):
        self.reply = reply
        self.requests: list[dict] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                server.requests.append({"path": self.path, "body": body})
                words = [w + " " for w in server.reply.split(" ")]
                if self.path.endswith("/chat/completions"):
                    self._send("text/event-stream", [
                        "data: " + json.dumps({"id": "c1", "object": "chat.completion.chunk", "created": 0,
                                               "model": body["model"], "choices": [
                                                   {"index": 0, "delta": {"role": "assistant", "content": w},
                                                    "finish_reason": None}]}) + "\n\n" for w in words
                    ] + ["data: " + json.dumps({"id": "c1", "object": "chat.completion.chunk", "created": 0,
                                                "model": body["model"], "choices": [
                                                    {"index": 0, "delta": {}, "finish_reason": "stop"}]}) + "\n\n",
                         "data: [DONE]\n\n"])
                elif self.path == "/api/chat":
                    self._send("application/x-ndjson", [
                        json.dumps({"model": body["model"], "created_at": "2026-01-01T00:00:00Z",
                                    "message": {"role": "assistant", "content": w}, "done": False}) + "\n"
                        for w in words
                    ] + [json.dumps({"model": body["model"], "created_at": "2026-01-01T00:00:00Z",
                                     "message": {"role": "assistant", "content": ""}, "done": True,
                                     "done_reason": "stop", "total_duration": 1, "eval_count": len(words),
                                     "prompt_eval_count": 10}) + "\n"])
                else:
                    self.send_response(404)
                    self.end_headers()

            def _send(self, content_type, parts):
                data = "".join(parts).encode()
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self):
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def _header(name: str, value: str) -> bytes:
    n, v = name.encode(), value.encode()
    return struct.pack("!B", len(n)) + n + b"\x07" + struct.pack("!H", len(v)) + v


def event_stream_message(event_type: str, payload: dict) -> bytes:
    """One message of the AWS event-stream binary protocol (prelude, headers, payload, CRC32s)."""
    headers = (_header(":event-type", event_type) + _header(":content-type", "application/json")
               + _header(":message-type", "event"))
    body = json.dumps(payload).encode()
    total = 12 + len(headers) + len(body) + 4
    prelude = struct.pack("!II", total, len(headers))
    prelude += struct.pack("!I", binascii.crc32(prelude) & 0xFFFFFFFF)
    message = prelude + headers + body
    return message + struct.pack("!I", binascii.crc32(message) & 0xFFFFFFFF)
