"""`Answerer`: one entry point for `scout ask` and the Slack bot, in LLM or offline mode.

It runs the LLM agent when one is configured and falls back to the offline planner on
any model failure; either way the answer is grounded (numbers from tool outputs, quotes
verbatim from `knowledge/`) and remembered per conversation for follow-ups.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeVar, cast

from bot.agent.grounding import (
    QuoteChecker,
    allowed_numbers,
    drop_unknown_handles,
    drop_unsupported,
    drop_write_claims,
    ground_quotes,
)
from bot.agent.llm import SYSTEM_PROMPT_FILE, LLMAgent, LLMError, build_chat_model, load_prompt
from bot.agent.models import AskResult, Citation
from bot.agent.offline import Draft, OfflinePlanner, pick_quotes, quote_block
from bot.agent.routing import Intent, find_handles
from bot.agent.tools import Retriever, ScoutService, ShortlistReader, ToolBox, to_json
from bot.errors import ScoutError
from bot.knowledge.models import Passage
from bot.knowledge.token_table import dictionary_words
from bot.scoring.models import ScoreCard

if TYPE_CHECKING:
    from bot.agent.tools import ShortlistEntry
    from bot.deps import Deps
    from bot.store.history import Role, Turn

logger = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 2000
FALLBACK_NOTE = "The language model was unavailable, so this is the offline answer."
# The model answered, but nothing usable: empty, endless tool calls, or nothing left once
# invented figures and quotes were dropped.
UNUSABLE_NOTE = "The language model gave no usable answer, so this is the offline answer."
# An LLM answer that grounding cut below this has lost its substance; one the model wrote
# this short ("@greenrunner scores 85/100.") is kept as it is.
MIN_ANSWER_CHARS = 40
_HANDLE = re.compile(r"@[a-z0-9_.-]*[a-z0-9_]")
_UNQUOTED_INTENTS = frozenset(
    {Intent.HELP, Intent.SHORTLIST, Intent.SHORTLIST_CHANGE, Intent.SECRETS}
)
T = TypeVar("T")


class History(Protocol):
    """Conversation memory (bot.store.history.HistoryStore)."""

    def recent(self, key: str) -> list[Turn]: ...

    def append(self, key: str, role: Role, content: str) -> None: ...


class Answerer:
    """Answers questions; thread-safe, and never raises for an unavailable model or index."""

    def __init__(
        self,
        *,
        retriever: Retriever,
        scout: ScoutService,
        shortlists: ShortlistReader,
        knowledge_dir: Path,
        history: History | None = None,
        llm: LLMAgent | None = None,
        llm_deadline_s: float = 6.0,
        secrets: Sequence[str] = (),
        dictionary: Collection[str] = frozenset(),
    ) -> None:
        """`dictionary`: real words the offline planner never reads as typos of a roster
        niche (see OfflinePlanner)."""
        self._retriever = retriever
        self._scout = scout
        self._shortlists = shortlists
        self._knowledge_dir = knowledge_dir
        self._history = history
        self._llm = llm
        self._llm_deadline_s = llm_deadline_s
        self._secrets = [s for s in secrets if len(s) >= 6]
        self._planner = OfflinePlanner(scout.handles(), scout.niches(), dictionary)
        self._checker: tuple[tuple[tuple[str, int, int], ...], QuoteChecker] | None = None
        self._lock = threading.Lock()

    def ask(
        self, question: str, *, conversation_key: str | None = None, team_id: str = "local"
    ) -> AskResult:
        """Answer `question`; `conversation_key` ties follow-ups to earlier turns."""
        question = " ".join(question.split())[:MAX_QUESTION_CHARS]
        history = self._recall(conversation_key)
        llm_result = None if self._llm is None else self._ask_llm(question, team_id, history)
        if isinstance(llm_result, AskResult):
            result = llm_result
        else:
            box = self._box(team_id)
            draft = self._planner.answer(question, box, history)
            result = self._finish(draft, box, "offline")
            result.note = " ".join(filter(None, [llm_result, result.note])) or None
        self._remember(conversation_key, question, result.answer)
        return result

    # -- modes ----------------------------------------------------------------------
    def _box(self, team_id: str) -> ToolBox:
        return ToolBox(
            retriever=self._retriever,
            scout=self._scout,
            shortlists=self._shortlists,
            team_id=team_id,
        )

    def _ask_llm(
        self, question: str, team_id: str, history: Sequence[tuple[str, str]]
    ) -> AskResult | str:
        """The model's grounded answer, or the note saying why the offline one is given."""
        assert self._llm is not None
        box = self._box(team_id)
        llm = self._llm
        try:
            text = run_with_deadline(lambda: llm.run(question, box, history), self._llm_deadline_s)
        except Exception as exc:  # any model, network or protocol failure: answer offline
            # A server may echo the key it rejected ("Incorrect API key provided: sk-...").
            logger.warning("LLM answer failed, answering offline: %s", self._redact(str(exc)))
            return UNUSABLE_NOTE if isinstance(exc, LLMError) else FALLBACK_NOTE
        written = text.split()
        text, claims = drop_write_claims(text)
        # Naming the handle the user asked about is fine even when it is not on the roster.
        known = self._planner.known_handles | set(find_handles(question))
        text, invented = drop_unknown_handles(text, known)
        if claims or invented:
            logger.warning(
                "dropped %d false write claim(s) and %d sentence(s) naming unknown creators",
                len(claims),
                len(invented),
            )
        result = self._finish(Draft(answer=text), box, "llm")
        if len(result.answer) < MIN_ANSWER_CHARS and result.answer.split() != written:
            logger.warning("LLM answer did not survive grounding, answering offline")
            return UNUSABLE_NOTE
        if not result.citations:
            # The model quoted none of the guidance (or only misquoted it): cite the passage
            # that fits the question best, verbatim.
            quotes, note = self._quotes_for(question, box, history)
            if quotes:
                draft = Draft(answer=f"{result.answer}\n\n{quote_block(quotes)}", citations=quotes)
                result = self._finish(draft, box, "llm")
            result.note = note
        result.creators = self._mentioned_cards(result.answer, box)
        return result

    def _mentioned_cards(self, answer: str, box: ToolBox) -> list[ScoreCard]:
        """The cards of roster creators the answer names, in the order it names them. One
        the model named without scoring is scored now, so each gets its card and buttons."""
        by_handle = {c.handle: c for c in box.cards()}
        cards = []
        for handle in dict.fromkeys(_HANDLE.findall(answer.lower())):
            if handle not in by_handle and handle in self._planner.known_handles:
                try:
                    by_handle[handle] = box.score_creator(handle)
                except ScoutError as exc:
                    logger.warning("scoring %s named in the answer failed: %s", handle, exc)
            if handle in by_handle:
                cards.append(by_handle[handle])
        return cards

    def _quotes_for(
        self, question: str, box: ToolBox, history: Sequence[tuple[str, str]]
    ) -> tuple[list[Citation], str | None]:
        """The best quote from the passages the model read, else from a search for the
        question, unless the offline answer to it would quote nothing either (thanks, help,
        shortlists, secrets); with a note when the guidance cannot be searched."""
        if box.passages():
            return pick_quotes(box.passages(), question, limit=1), None
        if self._planner.route(question, history).intent in _UNQUOTED_INTENTS:
            return [], None
        return self._planner.guidance(box, question, limit=1)

    # -- grounding --------------------------------------------------------------------
    def _quote_checker(self) -> QuoteChecker:
        """A checker over `knowledge/` as it is now; rebuilt only when a file changed."""
        from bot.knowledge.loader import load_documents

        files = sorted(p for p in self._knowledge_dir.rglob("*") if p.is_file())
        signature = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)
        with self._lock:
            if self._checker is None or self._checker[0] != signature:
                self._checker = (signature, QuoteChecker(load_documents([self._knowledge_dir])))
            return self._checker[1]

    def _finish(self, draft: Draft, box: ToolBox, mode: Literal["offline", "llm"]) -> AskResult:
        """Ground the draft: verified quotes only, and only numbers the tools produced."""
        # Quoting a creator's data (a bio inside a reason), a niche the model asked a tool
        # about or Scout's own words (the "Add to shortlist" button) is not quoting the
        # guidance. A search query is left out: "quoting" it is how a model invents quotes.
        data = [
            *(
                to_json(o)
                for o in box.outputs()
                if not (isinstance(o, list) and o and isinstance(o[0], Passage))
            ),
            *(to_json(c.args) for c in box.calls if c.name != "search_guidance"),
            *([self._llm.system_prompt] if mode == "llm" and self._llm else []),
        ]
        text, citations = ground_quotes(
            draft.answer, self._quote_checker(), draft.citations, data=data
        )
        allowed = allowed_numbers([*box.outputs(), *(c.quote for c in citations)])
        text, dropped = drop_unsupported(text, allowed)
        if dropped:
            logger.warning("dropped %d sentence(s) with unsupported numbers", len(dropped))
        answer = self._redact("\n\n".join(filter(None, [text, draft.footer])))
        return AskResult(
            answer=answer,
            citations=citations,
            creators=draft.creators,
            mode=mode,
            note=draft.note,
        )

    def _redact(self, text: str) -> str:
        # No tool can read a secret; this is the backstop should one reach an answer or a log.
        for secret in self._secrets:
            text = text.replace(secret, "[redacted]")
        return text

    # -- memory -----------------------------------------------------------------------
    def _recall(self, key: str | None) -> list[tuple[str, str]]:
        if key is None or self._history is None:
            return []
        from sqlalchemy.exc import SQLAlchemyError

        try:
            return [(t.role, t.content) for t in self._history.recent(key)]
        except ScoutError as exc:  # the database cannot be opened: the message names why
            logger.error("reading conversation history failed; answering without it: %s", exc)
            return []
        except SQLAlchemyError:
            logger.exception("reading conversation history failed; answering without it")
            return []

    def _remember(self, key: str | None, question: str, answer: str) -> None:
        if key is None or self._history is None:
            return
        from sqlalchemy.exc import SQLAlchemyError

        try:
            self._history.append(key, "user", question)
            self._history.append(key, "assistant", answer)
        except ScoutError as exc:
            logger.error("saving conversation history failed: %s", exc)
        except SQLAlchemyError:
            logger.exception("saving conversation history failed")


class DeadlineExceeded(Exception):
    """The work did not finish in time."""


def run_with_deadline(work: Callable[[], T], seconds: float) -> T:
    """`work()`, or DeadlineExceeded after `seconds`; its own exceptions pass through.

    The work runs in a daemon thread that is abandoned on timeout: a blocking HTTP call
    cannot be interrupted, and its per-request timeout ends it soon after.
    """
    done = threading.Event()
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = work()
        except BaseException as exc:  # handed to the waiting caller
            outcome["error"] = exc
        finally:
            done.set()

    threading.Thread(target=target, name="scout-llm", daemon=True).start()
    if not done.wait(seconds):
        raise DeadlineExceeded(f"no answer within {seconds:g} s")
    if "error" in outcome:
        raise outcome["error"]
    return cast(T, outcome["value"])


def build_answerer(deps: Deps) -> Answerer:
    """The answerer for this process: LLM mode when `OPENAI_API_KEY` is set, else offline."""
    settings = deps.settings
    llm = None
    if settings.llm_enabled:
        prompt = load_prompt(settings.scout_prompts_dir, SYSTEM_PROMPT_FILE)
        llm = LLMAgent(build_chat_model(settings), prompt)
    secrets = [
        secret.get_secret_value()
        for secret in (
            settings.openai_api_key,
            settings.slack_bot_token,
            settings.slack_signing_secret,
            settings.slack_app_token,
        )
        if secret is not None
    ]
    if settings.database_url:
        secrets.append(settings.database_url)
    stores = _DatabaseOnFirstUse(deps)
    return Answerer(
        retriever=deps.retriever,
        scout=deps.scout,
        shortlists=stores,
        knowledge_dir=settings.scout_knowledge_dir,
        history=stores,
        llm=llm,
        llm_deadline_s=settings.scout_llm_deadline_s,
        secrets=secrets,
        dictionary=dictionary_words(),
    )


class _DatabaseOnFirstUse:
    """Shortlists and history from `deps`, opened when a question first needs them, so a
    one-off `scout ask` that needs neither never connects to (or migrates) the database."""

    def __init__(self, deps: Deps) -> None:
        self._deps = deps

    def entries(self, team_id: str, campaign: str) -> Sequence[ShortlistEntry]:
        return self._deps.shortlists.entries(team_id, campaign)

    def campaigns(self, team_id: str) -> list[str]:
        return self._deps.shortlists.campaigns(team_id)

    def recent(self, key: str) -> list[Turn]:
        from bot.store.history import HistoryStore

        return HistoryStore(self._deps.engine).recent(key)

    def append(self, key: str, role: Role, content: str) -> None:
        from bot.store.history import HistoryStore

        HistoryStore(self._deps.engine).append(key, role, content)
