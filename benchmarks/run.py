"""`python -m benchmarks [--quick] [--only PART …]`: run, then write results.md."""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass

from benchmarks import cli_bench, parity_bench, render_bench, report, server_bench, verify_bench
from benchmarks._common import HERE, Section, log
from benchmarks.machine import machine, versions

PARTS = ("cli", "render", "verify", "servers", "parity")
RESULTS = HERE / "results.md"
CHART = HERE / "servers.png"


@dataclass(frozen=True)
class Settings:
    """How much of each part to run: full for results.md, --quick while iterating."""

    cli_rounds: int
    render_rounds: int
    render_repeats: int
    cold_rounds: int
    warm_rounds: int
    server_rounds: int
    wrk_seconds: int
    wrk_warmup: int
    parity_requests: int


FULL = Settings(15, 5, 3, 3, 5, 3, 5, 1, 10_000)
QUICK = Settings(4, 2, 1, 1, 2, 1, 2, 1, 1_000)


def run_part(part: str, settings: Settings) -> Section:
    if part == "cli":
        return cli_bench.section(settings.cli_rounds)
    if part == "render":
        return render_bench.section(settings.render_rounds, settings.render_repeats)
    if part == "verify":
        return verify_bench.section(settings.cold_rounds, settings.warm_rounds)
    if part == "parity":
        return parity_bench.section(settings.parity_requests)
    return server_bench.section(
        settings.server_rounds, settings.wrk_seconds, settings.wrk_warmup, CHART
    )


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="Fewer rounds and 2 s wrk runs, for iterating.",
    )
    parser.add_argument(
        "--only",
        nargs="+",
        choices=PARTS,
        default=list(PARTS),
        metavar="PART",
        help=f"Run only these parts: {', '.join(PARTS)}.",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    settings = QUICK if args.quick else FULL
    started = time.perf_counter()
    measured_with = versions()  # before the run: the tree may change while it runs
    sections = [run_part(part, settings) for part in args.only]
    command = "python -m benchmarks" + (" --quick" if args.quick else "")
    if args.only != list(PARTS):
        command += " --only " + " ".join(args.only)
    report.write(
        RESULTS,
        sections,
        command=command,
        mode="quick" if args.quick else "full",
        machine=machine(),
        versions=measured_with,
        minutes=(time.perf_counter() - started) / 60,
    )
    log(f"wrote {RESULTS}")
    print(RESULTS.read_text(encoding="utf-8").split("## Machine")[0])


if __name__ == "__main__":
    main(sys.argv[1:])
