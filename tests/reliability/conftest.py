"""The Slack suite's served-app fixtures, shared with the reliability tests."""

from tests.slack.conftest import app, fake_slack, index_dir

__all__ = ["app", "fake_slack", "index_dir"]
