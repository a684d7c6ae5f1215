"""`scout ingest`, `scout search` and `scout eval`: the guidance index."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from bot.cli.common import path_argument, print_json, settings
from bot.errors import ScoutError

# On a Chroma server, a collection that is not live counts as an abandoned build only
# after this long: another machine's ingest (which this lock does not cover) may still
# be writing it. A build of 1,000 documents takes about a minute.
SERVER_ORPHAN_MIN_AGE_S = 6 * 3600.0


def ingest(
    paths: list[Path] = typer.Argument(
        None,
        # An empty PATH would index the current folder, replacing the index with it.
        parser=path_argument,
        metavar="PATH",
        help="Files or folders to index (default: knowledge/). The index mirrors them.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the report as one JSON document."),
) -> None:
    """(Re)build the knowledge index: incremental and idempotent.

    One ingest at a time per data folder: a second one waits for the first to finish.

    Examples:

      scout ingest
      scout ingest knowledge/ notes/briefs.md --json
    """
    config = settings()
    from rich.console import Console

    from bot.embeddings import WordLlamaEmbedder
    from bot.knowledge.embedders import LazyEmbedder, guidance_embedder
    from bot.knowledge.index import ingest as build_index
    from bot.knowledge.loader import read_corpus
    from bot.knowledge.store import ingest_lock, open_client, server_connection

    sources = list(paths) if paths else [config.scout_knowledge_dir]
    for path in sources:
        if not path.exists():
            setting = "" if paths else " (SCOUT_KNOWLEDGE_DIR)"
            raise ScoutError(f"no such file or folder: {path}{setting}")
    err = Console(stderr=True)

    def progress(stage: str, done: int, total: int) -> None:
        err.print(f"{stage} {done}/{total} chunks", highlight=False)

    def waiting(lock: Path) -> None:
        # Plain print: rich would wrap a long lock path onto a second line.
        print(f"waiting for another scout ingest to finish (lock: {lock})", file=sys.stderr)

    # Skipped files are logged as warnings (on stderr) by the loader, naming each one.
    documents, skipped = read_corpus(sources)
    if not documents:
        # An empty result is far likelier a wrong path or a broken mount than a wish
        # to empty the index, so the live index is kept.
        where = ", ".join(str(path) for path in sources)
        why = f" ({len(skipped)} file(s) skipped, see above)" if skipped else ""
        raise ScoutError(f"no documents to index in {where}{why}; the index was left as it was")
    embedder = guidance_embedder(
        config, lambda: LazyEmbedder(WordLlamaEmbedder.name, WordLlamaEmbedder)
    )
    with server_connection(config), ingest_lock(config.scout_data_dir, on_wait=waiting):
        report = build_index(
            open_client(config),
            embedder,
            documents,
            skipped=skipped,
            progress=progress,
            # Other machines may share a Chroma server but not this lock: spare the
            # collections they could still be building.
            orphan_min_age_s=SERVER_ORPHAN_MIN_AGE_S if config.chroma_server else 0.0,
        )
    if as_json:
        print_json(report)
        return
    # No wrapping: a long file name must stay whole on its line, to copy or grep.
    out = Console(soft_wrap=True)
    if report.rebuilt:
        out.print(f"Embedder changed to {report.embedder}: rebuilt every vector.")
    out.print(
        f"added {report.chunks_added} chunks, removed {report.chunks_removed}, "
        f"kept {report.chunks_kept} (embedded {report.embedded})",
        highlight=False,
    )
    if report.chunks_refreshed:
        out.print(
            f"metadata refreshed for {report.chunks_refreshed} kept chunk(s) "
            "(title or position changed; not re-embedded)",
            highlight=False,
        )
    for label, files in (
        ("added", report.files_added),
        ("updated", report.files_updated),
        ("removed", report.files_removed),
    ):
        out.print(f"{label}: {len(files)} file(s)" + (f": {', '.join(files)}" if files else ""))
    out.print(f"unchanged: {report.files_unchanged} file(s)")
    if report.orphans_dropped:
        out.print(
            f"dropped {report.orphans_dropped} unfinished collection(s) "
            "left by an interrupted ingest",
            highlight=False,
        )
    if not report.changed:
        out.print("Nothing changed; the index is up to date.")


def search(
    query: str = typer.Argument(..., help="What to look for in the guidance."),
    k: int = typer.Option(5, "-k", min=1, max=50, help="How many passages to return."),
    as_json: bool = typer.Option(False, "--json", help="Print the passages as one JSON document."),
) -> None:
    """Show the top guidance passages for a query.

    Examples:

      scout search "how do we measure ROI?"
      scout search "fake followers" -k 3 --json
    """
    if not query.strip():
        # Like an empty --niche: a mistake to name, not "no passages match" with exit 0.
        raise ScoutError("the query is empty: say what to look for, e.g. scout search 'trust'")
    config = settings()
    from bot.deps import Deps

    passages = Deps(config).retriever.search(query, k)
    if as_json:
        print_json(
            [
                p.model_dump(include={"text", "source", "title", "chunk_id", "score"})
                for p in passages
            ]
        )
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.padding import Padding

    out = Console()
    if not passages:
        out.print("No passages match that query.")
    for rank, passage in enumerate(passages, start=1):
        where = passage.title + (f" > {passage.heading}" if passage.heading else "")
        out.print(f"[bold]{rank}. {escape(where)}[/]", soft_wrap=True, highlight=False)
        out.print(
            f"[dim]{escape(passage.source)} · score {passage.score:.4f}[/]",
            soft_wrap=True,
            highlight=False,
        )
        out.print(Padding(escape(passage.text), (0, 0, 1, 3)), highlight=False)


def evaluate(
    eval_set: Path | None = typer.Option(
        None,
        "--set",
        parser=path_argument,
        help="Questions with their answering passages (JSON).",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the metrics as one JSON document."),
) -> None:
    """Recall@1, recall@5 and MRR of BM25, dense and hybrid search on the evaluation set.

    Examples:

      scout eval
      scout eval --set my_questions.json --json
    """
    config = settings()
    from bot.deps import Deps
    from bot.knowledge.evaluation import DEFAULT_EVAL_SET, evaluate, load_eval_set

    path = eval_set or DEFAULT_EVAL_SET
    if not path.is_file():
        raise ScoutError(f"no evaluation set at {path}")
    try:
        questions = load_eval_set(path)
    except ValueError as exc:
        raise ScoutError(f"invalid evaluation set {path}: {exc}") from None
    metrics = evaluate(Deps(config).retriever, questions)
    if as_json:
        print_json(metrics)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Retrieval on {len(questions)} questions ({path.name})")
    for column in ("method", "recall@1", "recall@5", "MRR"):
        table.add_column(column, justify="left" if column == "method" else "right")
    for m in metrics:
        table.add_row(m.method, f"{m.recall_at_1:.3f}", f"{m.recall_at_5:.3f}", f"{m.mrr:.3f}")
    Console().print(table)
    print(f"misses@5 (hybrid): {len(metrics[-1].misses)}", file=sys.stderr)


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest)
    app.command("search")(search)
    app.command("eval")(evaluate)
