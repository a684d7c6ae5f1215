"""PostgreSQL goes away mid-run (a loopback TCP proxy is stopped): mentions, commands and
clicks get a polite reply, the app keeps serving, and it recovers when the database returns."""

from __future__ import annotations

import contextlib
import socket
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.slack.blocks import APOLOGY
from tests.slack.conftest import ServedApp, app_settings, posts_in_thread, served_app
from tests.support.fake_slack import FakeSlack
from tests.support.slack_http import mention_event

pytestmark = pytest.mark.postgres


class TcpProxy:
    """Forwards a loopback port to PostgreSQL; `stop()` drops every connection and the port."""

    def __init__(self, target: tuple[str, int]) -> None:
        self._target = target
        self._listener: socket.socket | None = None
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = int(probe.getsockname()[1])

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def stop(self) -> None:
        assert self._listener is not None
        # shutdown() wakes the accept() blocked in the other thread; close() alone may not.
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        with self._lock:
            for sock in self._open:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._open.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self._target)
            with self._lock:
                self._open.update((client, upstream))
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(src, dst), daemon=True).start()

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := src.recv(65536):
                dst.sendall(data)
        with contextlib.suppress(OSError):
            dst.shutdown(socket.SHUT_WR)


@pytest.fixture
def proxied(pg_url: str, index_dir: Path) -> Iterator[tuple[ServedApp, TcpProxy]]:
    proxy = TcpProxy(("127.0.0.1", 5432))
    proxy.start()
    database = pg_url.rsplit("/", 1)[1]
    url = f"postgresql://postgres@127.0.0.1:{proxy.port}/{database}"
    with FakeSlack() as slack:
        settings = app_settings(index_dir, slack.api_url, url)
        with served_app(settings, slack) as app:
            app.deps.answerer  # noqa: B018 - built at start, as `scout serve` does
            yield app, proxy
    with contextlib.suppress(AssertionError):
        proxy.stop()


def test_requests_fail_politely_while_the_database_is_away_and_recover(
    proxied: tuple[ServedApp, TcpProxy],
) -> None:
    app, proxy = proxied
    handle = app.deps.scout.handles()[0]
    campaign = f"outage-{uuid.uuid4().hex[:6]}"
    app.send_command(f"shortlist add {campaign} {handle}", key="before")
    assert "Added" in str(app.responses("before")[0])

    proxy.stop()
    assert app.send_command(f"shortlist remove {campaign} {handle}", key="down").status_code == 200
    assert app.responses("down")[0]["text"] == APOLOGY
    assert app.send_event(
        mention_event("vegan fitness?", ts="930.0001"), event_id="EvDown"
    ).status_code
    app.slack.wait_for("chat.postMessage", timeout=30)
    [reply] = posts_in_thread(app.slack, "C111", "930.0001")
    assert reply["text"] == APOLOGY

    proxy.start()
    app.send_command(f"shortlist list {campaign}", key="after")
    assert handle in str(app.responses("after")[0]["blocks"]), "the failed remove changed nothing"
    app.send_event(mention_event("vegan fitness?", ts="930.0002"), event_id="EvBack")
    app.slack.wait_for("reactions.remove", count=1, timeout=30)
    [answer] = posts_in_thread(app.slack, "C111", "930.0002")
    assert answer.get("blocks"), "a full answer once the database is back"
