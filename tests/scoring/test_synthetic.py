"""The roster generator: reproducible, any size, CSV or JSON, and the committed sample."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bot.config import PROJECT_DIR, SAMPLE_ROSTER
from bot.scoring.roster import load_roster
from bot.scoring.synthetic import SHOWCASE, generate_table

SCRIPT = PROJECT_DIR / "scripts" / "generate_roster.py"


def generate(*args: str) -> None:
    subprocess.run(
        [sys.executable, str(SCRIPT), *args], check=True, capture_output=True, timeout=120
    )


def test_the_committed_sample_is_what_the_generator_writes(tmp_path: Path) -> None:
    out = tmp_path / "sample.csv"
    generate("--n", "240", "--seed", "7", "--out", str(out))
    assert out.read_bytes() == SAMPLE_ROSTER.read_bytes()


def test_json_output_loads_as_the_same_roster(tmp_path: Path) -> None:
    generate("--n", "60", "--seed", "3", "--out", str(tmp_path / "r.json"))
    generate("--n", "60", "--seed", "3", "--out", str(tmp_path / "r.csv"))
    as_json = load_roster(tmp_path / "r.json")
    assert len(as_json) == 60
    assert as_json == load_roster(tmp_path / "r.csv")


def test_tables_are_seeded_sorted_and_unique() -> None:
    first, again = generate_table(5_000, seed=11), generate_table(5_000, seed=11)
    assert first.handles == again.handles
    assert (first.followers == again.followers).all()
    assert first.handles == sorted(set(first.handles))
    assert len(first) == 5_000
    assert {row["handle"] for row in SHOWCASE} <= set(first.handles)
    assert generate_table(5_000, seed=12).handles != first.handles
    assert len(generate_table(10, seed=1, showcase=True)) == 10
