"""Score charts: a real PNG from matplotlib's Agg backend, uploaded with files_upload_v2."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.slack.charts import render_score_chart, upload_chart
from tests.slack.cards import make_card
from tests.support.fake_slack import FakeSlack

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_render_score_chart_makes_a_png() -> None:
    png = render_score_chart([make_card(), make_card("@b", 40.0)], "Compared")
    assert png.startswith(PNG_MAGIC)
    assert len(png) > 2000


def test_upload_chart_uses_the_v2_upload_flow() -> None:
    with FakeSlack() as slack:
        client = WebClient(token="xoxb-test", base_url=slack.api_url)
        file_id = upload_chart(client, "C111", PNG_MAGIC + b"x" * 100, "Compared", "1.2")
        assert file_id is not None and file_id.startswith("F")
        assert slack.calls_to("upload")[0].body["size"] > 100
        complete = slack.calls_to("files.completeUploadExternal")[0].body
        assert complete["channel_id"] == "C111"
        assert complete["thread_ts"] == "1.2"
