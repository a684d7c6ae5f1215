"""Write a seeded synthetic roster, CSV or JSON by the output's extension.

The bundled sample is `python scripts/generate_roster.py --n 240 --seed 7
--out bot/data/sample_roster.csv`; the benchmarks use the same generator at any size.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

from bot.scoring.roster import CANONICAL_COLUMNS
from bot.scoring.synthetic import generate_table, table_rows


def _csv_cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(value)
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=240, help="creators to generate (default 240)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument("--out", type=Path, required=True, help="output file, .csv or .json")
    parser.add_argument(
        "--no-showcase", action="store_true", help="leave out the hand-written showcase creators"
    )
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("--n must be at least 1")
    if args.out.suffix.lower() not in (".csv", ".json"):
        parser.error("--out must end in .csv or .json")

    table = generate_table(args.n, args.seed, showcase=not args.no_showcase)
    rows = table_rows(table, args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    if args.out.suffix.lower() == ".json":
        args.out.write_text(json.dumps(rows, ensure_ascii=False, indent=1) + "\n", "utf-8")
    else:
        with args.out.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=CANONICAL_COLUMNS, lineterminator="\n")
            writer.writeheader()
            for row in rows:
                writer.writerow({key: _csv_cell(value) for key, value in row.items()})
    print(f"wrote {len(rows)} creators to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
