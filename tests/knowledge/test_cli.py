"""`scout ingest`, `scout search` and `scout eval` end to end (embedded Chroma in tmp)."""

from __future__ import annotations

import json
import logging
import socket
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.errors import NotReadyError, ScoutError


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_search_before_ingest_is_one_line_saying_to_ingest() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "search", "trust"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.strip().splitlines()[-1] == (
        "scout: the knowledge index is empty or missing: run `scout ingest`"
    )


def test_ingest_then_search_json_then_ingest_again(runner: CliRunner, corpus: Path) -> None:
    first = runner.invoke(app, ["ingest", str(corpus), "--json"])
    assert first.exit_code == 0, first.output
    report = json.loads(first.stdout)
    assert len(report["files_added"]) == 5 and report["embedded"] > 50

    found = runner.invoke(app, ["search", "vegan protein brand", "-k", "3", "--json"])
    assert found.exit_code == 0, found.output
    hits = json.loads(found.stdout)
    assert len(hits) == 3
    assert set(hits[0]) == {"text", "source", "title", "chunk_id", "score"}
    assert "plant-based protein brand" in hits[0]["text"]

    again = runner.invoke(app, ["ingest", str(corpus)])
    assert again.exit_code == 0
    assert "added 0 chunks, removed 0" in again.stdout
    assert "Nothing changed" in again.stdout


def test_switching_to_minilm_rebuilds_the_index_and_search_uses_it(
    runner: CliRunner, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert runner.invoke(app, ["ingest", str(corpus)]).exit_code == 0
    monkeypatch.setenv("SCOUT_EMBEDDINGS", "minilm")
    stale = runner.invoke(app, ["search", "trust"])
    assert isinstance(stale.exception, NotReadyError)
    assert str(stale.exception).endswith(
        "wordllama-l2-256+minilm-l6-v2 is configured: run `scout ingest` to rebuild it"
    )

    rebuilt = runner.invoke(app, ["ingest", str(corpus)])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "Embedder changed to wordllama-l2-256+minilm-l6-v2: rebuilt every vector." in (
        rebuilt.stdout
    )
    found = runner.invoke(app, ["search", "vegan protein brand", "-k", "3", "--json"])
    assert found.exit_code == 0, found.output
    assert "plant-based protein brand" in json.loads(found.stdout)[0]["text"]


def test_ingest_reports_updates_removals_and_skipped_files(
    runner: CliRunner, corpus: Path, caplog: pytest.LogCaptureFixture
) -> None:
    runner.invoke(app, ["ingest", str(corpus)])
    (corpus / "micro-influencers-the-future-of-online-influence.md").unlink()
    (corpus / "blank.md").write_text("")
    doc = corpus / "micro-influencers-why-small-creators-are-making-big-noise.md"
    doc.write_text(doc.read_text("utf-8").replace("Likes are genuine.", "Likes are real."))

    with caplog.at_level(logging.WARNING):
        result = runner.invoke(app, ["ingest", str(corpus)])

    assert result.exit_code == 0
    output = " ".join(result.stdout.split())
    assert "removed: 1 file(s): micro-influencers-the-future-of-online-influence.md" in output
    assert f"updated: 1 file(s): {doc.name}" in output
    assert "blank.md: empty" in caplog.text

    as_json = runner.invoke(app, ["ingest", str(corpus), "--json"])
    assert json.loads(as_json.stdout)["skipped"][0]["reason"] == "empty"


def test_human_search_output_names_title_and_source(runner: CliRunner, corpus: Path) -> None:
    runner.invoke(app, ["ingest", str(corpus)])
    result = runner.invoke(app, ["search", "burnout", "-k", "1"])
    assert result.exit_code == 0
    assert "Challenges They Face" in result.stdout
    assert "inside-the-rise-of-micro-influencers" in result.stdout


def test_ingest_of_a_missing_path_names_it(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["ingest", str(tmp_path / "nope")])
    assert isinstance(result.exception, ScoutError)
    assert "nope" in str(result.exception)


def test_ingest_of_a_missing_knowledge_dir_names_the_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCOUT_KNOWLEDGE_DIR", str(tmp_path / "nope"))

    result = scout("ingest")

    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"scout: no such file or folder: {tmp_path / 'nope'} (SCOUT_KNOWLEDGE_DIR)"
    ]


@pytest.mark.parametrize("command", [["ingest"], ["search", "trust"]])
def test_a_damaged_embedded_index_is_one_line_naming_its_folder(
    isolated_env: Path, command: list[str]
) -> None:
    store = isolated_env / "chroma"
    store.mkdir(parents=True)
    (store / "chroma.sqlite3").write_text("not a database\n")

    result = scout(*command)

    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"scout: cannot open the knowledge index in {store} (SCOUT_DATA_DIR): ")
    assert line.endswith("move that folder aside and run `scout ingest`")


def test_ingest_prints_a_long_file_name_whole_on_its_line(tmp_path: Path) -> None:
    folder = tmp_path / "docs" / "a-rather-deeply-nested-folder" / "and-another-level-below"
    folder.mkdir(parents=True)
    name = "the-file-with-a-long-name-about-creators-and-budgets.md"
    (folder / name).write_text("# Budgets\n\nPay per post, not per follower.\n")

    result = scout("ingest", str(tmp_path / "docs"))

    assert result.returncode == 0, result.stderr
    source = f"a-rather-deeply-nested-folder/and-another-level-below/{name}"
    assert f"added: 1 file(s): {source}" in result.stdout.splitlines()


@pytest.mark.parametrize("paths", [[""], ["knowledge", " "]])
def test_an_empty_path_is_refused_not_read_as_the_current_folder(
    corpus: Path, paths: list[str]
) -> None:
    # `scout ingest "$DIR"` with DIR unset: "" would mean the current folder (the test's
    # tmp dir, which holds knowledge/ and stray files), replacing the index with it.
    (corpus.parent / "stray.md").write_text("# Stray\n\nA note left in the folder.\n")

    result = scout("ingest", *paths)

    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert "ingest: Invalid value for 'PATH': an empty path: name a file or folder" in line
    assert not (corpus.parent / ".scout").exists()  # nothing was indexed


def test_search_on_an_empty_index_raises_not_ready(runner: CliRunner, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    runner.invoke(app, ["ingest", str(empty)])
    result = runner.invoke(app, ["search", "trust"])
    assert isinstance(result.exception, NotReadyError)


def scout(*args: str) -> subprocess.CompletedProcess[str]:
    """The real `scout` command in a subprocess (SCOUT_DATA_DIR comes from the fixture)."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], capture_output=True, text=True, timeout=120
    )


def test_ingest_of_an_empty_folder_is_refused_in_one_line(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()

    result = scout("ingest", str(empty))

    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        f"scout: no documents to index in {empty}; the index was left as it was"
    ]


def test_ingest_of_only_bad_files_keeps_the_live_index(runner: CliRunner, corpus: Path) -> None:
    runner.invoke(app, ["ingest", str(corpus)])
    before = runner.invoke(app, ["search", "burnout", "-k", "1", "--json"]).stdout
    for doc in corpus.iterdir():
        doc.write_text("")  # e.g. a sync that truncated every file

    result = scout("ingest", str(corpus))

    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines[-1] == (
        f"scout: no documents to index in {corpus} (5 file(s) skipped, see above); "
        "the index was left as it was"
    )
    assert all("empty" in line for line in lines[:-1])  # the loader's warning per file
    assert runner.invoke(app, ["search", "burnout", "-k", "1", "--json"]).stdout == before


def test_ingest_with_an_unreachable_chroma_server_is_one_line(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as sock:  # a loopback port that nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("CHROMA_PORT", str(port))

    result = scout("ingest", str(corpus))

    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"scout: cannot reach the Chroma server at 127.0.0.1:{port}")
    assert "CHROMA_HOST/CHROMA_PORT" in line


class _NotChroma(BaseHTTPRequestHandler):
    """Answers every request with an error: a web server's HTML page, or a Chroma server
    that wants a token."""

    REPLIES: ClassVar[dict[str, tuple[int, str, str]]] = {
        "web page": (
            404,
            "text/html",
            "<!DOCTYPE HTML>\n<html>\n  <head><title>Error response</title></head>\n"
            "  <body>\n    <h1>Error response</h1>\n    <p>Error code: 404</p>\n"
            "  </body>\n</html>\n",
        ),
        "auth": (
            403,
            "application/json",
            json.dumps({"error": "AuthorizationError", "message": "Unauthorized"}),
        ),
    }
    reply: ClassVar[str] = "web page"

    def do_GET(self) -> None:
        status, content_type, text = self.REPLIES[self.reply]
        body = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.mark.parametrize(
    ("reply", "gist"),
    [("web page", "Error response Error response Error code: 404"), ("auth", "Unauthorized")],
)
def test_a_port_that_answers_but_not_as_chroma_is_one_line(
    monkeypatch: pytest.MonkeyPatch, reply: str, gist: str
) -> None:
    handler = type("Handler", (_NotChroma,), {"reply": reply})
    port, result = _scout_against(handler, monkeypatch, "search", "trust")

    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"scout: cannot reach the Chroma server at 127.0.0.1:{port} "
        f"(CHROMA_HOST/CHROMA_PORT): {gist}"
    ]


class _ChromaThatDiesAfterHello(BaseHTTPRequestHandler):
    """Answers the HttpClient's start-up handshake, then hangs up on every other request:
    a Chroma server that goes away once a command is under way."""

    HELLO: ClassVar[dict[str, dict[str, object]]] = {
        "/api/v2/auth/identity": {
            "user_id": "",
            "tenant": "default_tenant",
            "databases": ["default_database"],
        },
        "/api/v2/tenants/default_tenant": {"name": "default_tenant", "resource_name": None},
        "/api/v2/tenants/default_tenant/databases/default_database": {
            "id": "00000000-0000-0000-0000-000000000000",
            "name": "default_database",
            "tenant": "default_tenant",
        },
    }

    def do_GET(self) -> None:
        reply = self.HELLO.get(self.path.split("?", 1)[0])
        if reply is None:
            self.close_connection = True  # no response at all
            return
        body = json.dumps(reply).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:
        pass


def _scout_against(
    handler: type[BaseHTTPRequestHandler], monkeypatch: pytest.MonkeyPatch, *args: str
) -> tuple[int, subprocess.CompletedProcess[str]]:
    """Run `scout *args` with CHROMA_HOST/CHROMA_PORT on a loopback server that answers
    with `handler`: its port and the result."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    monkeypatch.setenv("CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("CHROMA_PORT", str(port))
    try:
        return port, scout(*args)
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("command", [["ingest"], ["search", "burnout"]])
def test_a_chroma_server_lost_mid_command_is_one_line(
    corpus: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    args = [*command, str(corpus)] if command == ["ingest"] else command
    port, result = _scout_against(_ChromaThatDiesAfterHello, monkeypatch, *args)

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    line = result.stderr.strip().splitlines()[-1]
    assert line.startswith(f"scout: lost the Chroma server at 127.0.0.1:{port}")
    assert "(CHROMA_HOST/CHROMA_PORT)" in line


class _ChromaBehindABrokenProxy(_ChromaThatDiesAfterHello):
    """Answers the handshake, then a proxy's 502 page: the Chroma behind it went down."""

    def do_GET(self) -> None:
        if self.path.split("?", 1)[0] in self.HELLO:
            super().do_GET()
            return
        body = b"<html>\n<body>\n<h1>502 Bad Gateway</h1>\n</body>\n</html>\n"
        self.send_response(502)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET


@pytest.mark.parametrize("command", [["ingest"], ["search", "burnout"]])
def test_an_http_error_from_the_chroma_server_is_one_line(
    corpus: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    args = [*command, str(corpus)] if command == ["ingest"] else command
    port, result = _scout_against(_ChromaBehindABrokenProxy, monkeypatch, *args)

    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        f"scout: the Chroma server at 127.0.0.1:{port} (CHROMA_HOST/CHROMA_PORT) "
        "answered HTTP 502 Bad Gateway"
    )
    assert "Traceback" not in result.stderr


def test_ask_on_a_lost_chroma_server_still_ranks_creators(monkeypatch: pytest.MonkeyPatch) -> None:
    port, result = _scout_against(
        _ChromaThatDiesAfterHello,
        monkeypatch,
        "ask",
        "who should we partner with for vegan fitness?",
        "--json",
    )

    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["creators"] and answer["citations"] == []
    assert answer["note"].startswith(
        f"Guidance quotes are unavailable right now: lost the Chroma server at 127.0.0.1:{port}"
    )


def test_ingest_reports_refreshed_metadata(runner: CliRunner, corpus: Path) -> None:
    runner.invoke(app, ["ingest", str(corpus)])
    doc = corpus / "micro-influencers-why-small-creators-are-making-big-noise.md"
    # The front-matter title and the H1 that repeats it: the same chunks, a new title.
    doc.write_text(doc.read_text("utf-8").replace("Micro-Influencers. Why", "Why"))

    result = runner.invoke(app, ["ingest", str(corpus)])

    assert result.exit_code == 0, result.output
    output = " ".join(result.stdout.split())
    assert "embedded 0" in output
    assert "metadata refreshed for" in output
    assert f"updated: 1 file(s): {doc.name}" in output
    assert "Nothing changed" not in output


def test_eval_prints_all_three_methods(runner: CliRunner, corpus: Path) -> None:
    runner.invoke(app, ["ingest", str(corpus)])
    result = runner.invoke(app, ["eval", "--json"])
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.stdout)
    assert [m["method"] for m in metrics] == ["bm25", "dense", "hybrid"]
    assert all(0.0 <= m["recall_at_5"] <= 1.0 and m["questions"] >= 30 for m in metrics)


@pytest.mark.parametrize(("content", "reason"), [("[]", "it has no questions"), ("{}", "list")])
def test_eval_of_an_empty_or_non_list_set_is_one_line(
    runner: CliRunner, tmp_path: Path, content: str, reason: str
) -> None:
    eval_set = tmp_path / "set.json"
    eval_set.write_text(content, encoding="utf-8")

    result = runner.invoke(app, ["eval", "--set", str(eval_set)])

    assert isinstance(result.exception, ScoutError)
    assert str(result.exception).startswith(f"invalid evaluation set {eval_set}: ")
    assert reason in str(result.exception)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ('[{"question": "q"}]', "question 1: answers: Field required"),
        ('[{"question": "q", "answers": [{"source": "a.md"}]}]', "question 1: answers.0.quote"),
        ('[{"question": "q", "answers": [{"source": "a.md", "quote": "x"}]}, 3]', "question 2: "),
        pytest.param(  # json.loads raised RecursionError, a traceback
            "[" * 100_000 + "]" * 100_000, "lists or objects nested too deeply", id="too-deep"
        ),
    ],
)
def test_eval_of_a_malformed_question_is_one_line_naming_it(
    runner: CliRunner, tmp_path: Path, content: str, reason: str
) -> None:
    eval_set = tmp_path / "set.json"
    eval_set.write_text(content, encoding="utf-8")

    result = runner.invoke(app, ["eval", "--set", str(eval_set)])

    assert isinstance(result.exception, ScoutError)
    message = str(result.exception)
    assert message.startswith(f"invalid evaluation set {eval_set}: {reason}")
    assert "\n" not in message


@pytest.mark.parametrize("query", ["", "   "])
def test_an_empty_search_query_is_an_error(runner: CliRunner, corpus: Path, query: str) -> None:
    # It printed "No passages match that query." and exited 0, or [] with --json.
    assert runner.invoke(app, ["ingest", str(corpus)]).exit_code == 0
    result = runner.invoke(app, ["search", query, "--json"])
    assert isinstance(result.exception, ScoutError)
    assert str(result.exception) == (
        "the query is empty: say what to look for, e.g. scout search 'trust'"
    )
    assert result.stdout == ""


def test_a_chroma_server_that_never_answers_is_refused_not_waited_on(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from bot.config import load_settings
    from bot.errors import ConfigError
    from bot.knowledge import store

    monkeypatch.setattr(store, "SERVER_ANSWER_TIMEOUT_S", 0.5)
    with socket.socket() as silent:  # the kernel takes the connection; nobody answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        settings = load_settings(scout_data_dir=tmp_path, chroma_host="127.0.0.1", chroma_port=port)
        with pytest.raises(ConfigError) as refused:
            store.open_client(settings)
    assert str(refused.value) == (
        f"the Chroma server at 127.0.0.1:{port} (CHROMA_HOST/CHROMA_PORT) did not answer "
        "within 0.5 s"
    )
