"""A fake OpenAI-compatible HTTP API on 127.0.0.1 for tests.

Point `OPENAI_BASE_URL` (or a client's `base_url`) at `FakeOpenAI.base_url`. Each
route is one entry in `FakeOpenAI.routes` (`"POST /v1/embeddings"` -> handler);
add a handler there to serve more of the API. Every request is recorded.

Chat completions follow a script: queue what each next request gets with
`api.chat.reply(...)`, `.reply_with(fn)`, `.call_tools(...)`, `.fail(status)`,
`.malformed(...)`, `.slow(...)`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import numpy as np

EMBEDDING_DIMENSIONS = 64


@dataclass
class Raw:
    """A handler result that is not a plain 200 JSON body: any status, any bytes, a delay."""

    status: int = 200
    body: bytes = b"{}"
    delay_s: float = 0.0


Handler = Callable[[dict[str, Any]], "dict[str, Any] | Raw"]


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


def _json(payload: dict[str, Any], status: int = 200, delay_s: float = 0.0) -> Raw:
    return Raw(status=status, body=json.dumps(payload).encode(), delay_s=delay_s)


@dataclass
class ChatScript:
    """What the next chat completion requests get, in order; an empty script is a 500."""

    steps: deque[Callable[[dict[str, Any]], Raw]] = field(default_factory=deque)

    def reply(self, content: str, *, delay_s: float = 0.0) -> ChatScript:
        """The assistant answers with `content` (after `delay_s` seconds)."""
        self.steps.append(lambda body: _json(_completion(body, {"content": content}), 200, delay_s))
        return self

    def reply_with(self, write: Callable[[dict[str, Any]], str]) -> ChatScript:
        """The assistant answers with `write(request body)`, e.g. built from tool results."""
        self.steps.append(lambda body: _json(_completion(body, {"content": write(body)})))
        return self

    def call_tools(self, *calls: tuple[str, dict[str, Any] | str]) -> ChatScript:
        """The assistant calls tools: (name, arguments as a dict, or a raw JSON string)."""
        tool_calls = [
            {
                "id": f"call_{i}",
                "type": "function",
                "function": {
                    "name": name,
                    "arguments": args if isinstance(args, str) else json.dumps(args),
                },
            }
            for i, (name, args) in enumerate(calls)
        ]
        message = {"content": None, "tool_calls": tool_calls}
        self.steps.append(lambda body: _json(_completion(body, message, "tool_calls")))
        return self

    def fail(self, status: int = 500, message: str = "internal error") -> ChatScript:
        """The server answers with an HTTP error."""
        error = {"error": {"message": message, "type": "server_error"}}
        self.steps.append(lambda body: _json(error, status))
        return self

    def malformed(self, body: bytes = b'{"id": "x", "choices": "not a list"}') -> ChatScript:
        """The server answers 200 with a body that is not a chat completion."""
        self.steps.append(lambda _: Raw(status=200, body=body))
        return self

    def slow(self, delay_s: float, content: str = "too late") -> ChatScript:
        """The server takes `delay_s` seconds before answering (for client timeouts)."""
        return self.reply(content, delay_s=delay_s)

    def next(self, body: dict[str, Any]) -> Raw:
        if not self.steps:
            return _json(
                {"error": {"message": "chat script is empty", "type": "server_error"}}, 500
            )
        return self.steps.popleft()(body)


def _completion(
    body: dict[str, Any], message: dict[str, Any], finish_reason: str = "stop"
) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", "fake-chat"),
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", **message},
                "finish_reason": finish_reason,
            }
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


class FakeOpenAI:
    """Start with `with FakeOpenAI() as api:`; inspect `api.requests`."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.chat = ChatScript()
        self.routes: dict[str, Handler] = {
            "POST /v1/embeddings": self._embeddings,
            "POST /v1/chat/completions": self._chat_completions,
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

    def _chat_completions(self, body: dict[str, Any]) -> Raw:
        with self._lock:
            return self.chat.next(body)

    # -- HTTP plumbing --------------------------------------------------------------
    def _handle(self, method: str, path: str, raw: bytes, headers: dict[str, str]) -> Raw:
        body = json.loads(raw or b"{}")
        with self._lock:
            self.requests.append(Request(method, path, body, headers))
        handler = self.routes.get(f"{method} {path}")
        if handler is None:
            error = {"error": {"message": f"no route for {method} {path}", "type": "not_found"}}
            return _json(error, 404)
        try:
            result = handler(body)
        except (KeyError, ValueError) as exc:
            return _json({"error": {"message": str(exc), "type": "invalid_request_error"}}, 400)
        return result if isinstance(result, Raw) else _json(result)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class _Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                path = self.path.split("?", 1)[0]
                reply = fake._handle("POST", path, raw, dict(self.headers))
                if reply.delay_s:
                    time.sleep(reply.delay_s)
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                # The client may have given up waiting (a timeout test).
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(reply.body)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep test output clean

        return _Handler
