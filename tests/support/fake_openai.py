"""A fake OpenAI-compatible HTTP API on 127.0.0.1 for tests.

Point `OPENAI_BASE_URL` (or a client's `base_url`) at `FakeOpenAI.base_url`. Each
route is one entry in `FakeOpenAI.routes` (`"POST /v1/embeddings"` -> handler);
add a handler there to serve more of the API. Every request is recorded.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import numpy as np

EMBEDDING_DIMENSIONS = 64

Handler = Callable[[dict[str, Any]], dict[str, Any]]


@dataclass
class Request:
    """One request the fake received."""

    method: str
    path: str
    body: dict[str, Any]
    headers: dict[str, str]


def hashed_bag_of_words(text: str, dimensions: int = EMBEDDING_DIMENSIONS) -> list[float]:
    """A deterministic unit vector: each lower-cased word adds one to a hashed bucket.

    Texts that share words get similar vectors, which is enough to test retrieval
    without a model.
    """
    vector = np.zeros(dimensions, dtype=np.float64)
    for word in re.findall(r"[a-z0-9]+", text.lower()):
        bucket = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=4).digest(), "big")
        vector[bucket % dimensions] += 1.0
    norm = float(np.linalg.norm(vector))
    if norm == 0:
        vector[0] = 1.0
        norm = 1.0
    return [float(x) for x in vector / norm]


class FakeOpenAI:
    """Start with `with FakeOpenAI() as api:`; inspect `api.requests`."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.routes: dict[str, Handler] = {
            "POST /v1/embeddings": self._embeddings,
        }
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def base_url(self) -> str:
        """The `OPENAI_BASE_URL` to use, ending in `/v1`."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def requests_to(self, path: str) -> list[Request]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    # -- routes -------------------------------------------------------------------
    def _embeddings(self, body: dict[str, Any]) -> dict[str, Any]:
        texts = body["input"]
        if isinstance(texts, str):
            texts = [texts]
        if any(not isinstance(t, str) for t in texts):
            raise ValueError("this fake accepts text input only, not token ids")
        data = [
            {"object": "embedding", "index": i, "embedding": hashed_bag_of_words(text)}
            for i, text in enumerate(texts)
        ]
        tokens = sum(len(t.split()) for t in texts)
        return {
            "object": "list",
            "data": data,
            "model": body.get("model", "fake-embedding"),
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
        }

    # -- HTTP plumbing --------------------------------------------------------------
    def _handle(
        self, method: str, path: str, raw: bytes, headers: dict[str, str]
    ) -> tuple[int, Any]:
        body = json.loads(raw or b"{}")
        with self._lock:
            self.requests.append(Request(method, path, body, headers))
        handler = self.routes.get(f"{method} {path}")
        if handler is None:
            return 404, {"error": {"message": f"no route for {method} {path}", "type": "not_found"}}
        try:
            return 200, handler(body)
        except (KeyError, ValueError) as exc:
            return 400, {"error": {"message": str(exc), "type": "invalid_request_error"}}

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class _Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                path = self.path.split("?", 1)[0]
                status, payload = fake._handle("POST", path, raw, dict(self.headers))
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep test output clean

        return _Handler
