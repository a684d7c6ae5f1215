"""A fake Slack Web API on 127.0.0.1 that records every call.

Point `SLACK_API_URL` (or WebClient's `base_url`) at `FakeSlack.api_url`. It
answers `/api/<method>` with plausible payloads, accepts `response_url` posts at
`/response/<id>` and file uploads at `/upload/<id>`, and can be scripted to fail.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qs


@dataclass
class Call:
    """One request the fake received."""

    path: str
    method: str  # Slack method name, "response_url" or "upload"
    body: dict[str, Any]
    headers: dict[str, str]


@dataclass
class Failure:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] = field(default_factory=lambda: {"ok": False, "error": "fatal_error"})


class FakeSlack:
    """Start with `with FakeSlack() as slack:`; inspect `slack.calls`."""

    def __init__(self, team_id: str = "T111", bot_user_id: str = "UBOT") -> None:
        self.team_id = team_id
        self.bot_user_id = bot_user_id
        self.calls: list[Call] = []
        self.user_timezones: dict[str, str] = {}
        self._failures: dict[str, list[Failure]] = {}
        self._lock = threading.Condition()
        self._ts = itertools.count(1)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # -- lifecycle ---------------------------------------------------------------
    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    def response_url(self, key: str = "r1") -> str:
        return f"{self.base_url}/response/{key}"

    # -- scripting and inspection ---------------------------------------------------
    def fail_next(
        self,
        method: str,
        status: int = 500,
        *,
        times: int = 1,
        headers: dict[str, str] | None = None,
        body: dict[str, Any] | None = None,
    ) -> None:
        """Make the next `times` calls to `method` fail with this status."""
        failure = Failure(status, headers or {}, body or {"ok": False, "error": "fatal_error"})
        with self._lock:
            self._failures.setdefault(method, []).extend([failure] * times)

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 15.0) -> list[Call]:
        """Block until at least `count` calls to `method` arrived, or raise."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                found = [c for c in self.calls if c.method == method]
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = sorted({c.method for c in self.calls})
                    raise AssertionError(
                        f"expected {count} call(s) to {method}, got {len(found)}; saw {seen}"
                    )
                self._lock.wait(remaining)

    # -- answers ----------------------------------------------------------------
    def _answer(self, method: str, body: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://fake.slack.test/",
                "team": "Fake Team",
                "team_id": self.team_id,
                "user": "scout",
                "user_id": self.bot_user_id,
                "bot_id": "BBOT",
            }
        if method in {"chat.postMessage", "chat.update", "chat.postEphemeral"}:
            ts = body.get("ts") or f"{1700000000 + next(self._ts)}.000100"
            return {"ok": True, "channel": body.get("channel"), "ts": ts, "message": body}
        if method == "users.info":
            user = body.get("user", "")
            tz = self.user_timezones.get(user)
            info: dict[str, Any] = {"id": user, "name": user.lower()}
            if tz:
                info["tz"] = tz
            return {"ok": True, "user": info}
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(self._ts)}"
            return {
                "ok": True,
                "upload_url": f"{self.base_url}/upload/{file_id}",
                "file_id": file_id,
            }
        if method == "files.completeUploadExternal":
            files = body.get("files")
            parsed = json.loads(files) if isinstance(files, str) else files or []
            return {
                "ok": True,
                "files": [{"id": f.get("id"), "title": f.get("title")} for f in parsed],
            }
        return {"ok": True}

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # quiet
                return

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                path = self.path.split("?", 1)[0]
                if path.startswith("/api/"):
                    method = path[len("/api/") :]
                elif path.startswith("/response/"):
                    method = "response_url"
                elif path.startswith("/upload/"):
                    method = "upload"
                else:
                    method = path
                body = _parse_body(raw, self.headers.get("Content-Type", ""), method)
                call = Call(path, method, body, {k.lower(): v for k, v in self.headers.items()})
                with fake._lock:
                    queue = fake._failures.get(method) or []
                    failure = queue.pop(0) if queue else None
                    fake.calls.append(call)
                    fake._lock.notify_all()
                if failure is not None:
                    self._send(failure.status, failure.body, failure.headers)
                elif method == "upload":
                    self._send_text(200, "OK")
                elif method == "response_url":
                    self._send_text(200, "ok")
                else:
                    self._send(200, fake._answer(method, body))

            do_GET = do_POST

            def _send(
                self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None
            ) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

            def _send_text(self, status: int, text: str) -> None:
                data = text.encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler


def _parse_body(raw: bytes, content_type: str, method: str) -> dict[str, Any]:
    if method == "upload":
        return {"size": len(raw)}
    if not raw:
        return {}
    if "json" in content_type:
        try:
            parsed = json.loads(raw)
        except ValueError:
            return {"raw": raw.decode(errors="replace")}
        return parsed if isinstance(parsed, dict) else {"value": parsed}
    if "form" in content_type:
        form = parse_qs(raw.decode(), keep_blank_values=True)
        out: dict[str, Any] = {k: v[0] if len(v) == 1 else v for k, v in form.items()}
        for key in ("blocks", "attachments", "files"):
            if isinstance(out.get(key), str):
                with contextlib.suppress(ValueError):
                    out[key] = json.loads(out[key])
        return out
    return {"raw": raw.decode(errors="replace")}
