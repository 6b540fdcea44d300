"""Generate a realistic preparation log for benchmarks and tests.

Run: python benchmarks/make_log.py OUT [--records 100000] [--seed 1]

What it writes: a clinic's working set of 34 distinct requests (20 prepare, 14 check), repeated.
Each record picks one with fixed weights: the everyday ones dominate (dextrose 5 % in 60 mL from
D50 and its check are about a third of all records); about 60 % are prepare and 40 % check
records; 2 of the 14 checks fail their tolerance, so about 5 % of records are failures. Names
come from six preparers and three checking pharmacists. Times start on Monday 3 January 2022 and
run through working days (Monday to Friday, 08:00 to 17:30 UTC) with gaps drawn from an
exponential distribution of mean 9 minutes: about 60 records a day, so 100,000 records span about
6.5 years of a busy clinic.

Every distinct request is run once through the same functions `npt prepare` and `npt check`
use, and each record carries that result: the log is what `--log` would have written. Lines are
written with the log's own encoder and chain, in one buffered pass (not one fsync per record as
`npt ... --log` does, which would time the disk rather than the verifier).

`npt log verify` memoises recomputation on identical normalised inputs, so on this log it runs
the engine 34 times and spends the rest of its time reading, hashing and comparing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from pathlib import Path
from typing import Any

from npt_protocol.catalogue.clinic import load_catalogue
from npt_protocol.engine.requests import CheckRequest, PrepareRequest, run_check, run_prepare
from npt_protocol.engine.results import check_data, recipe_data
from npt_protocol.log.record import encode, header_record, line_hash, new_record

Request = PrepareRequest | CheckRequest

PREPARERS = (
    "Dr Amara Okafor",
    "Dr Liam Chen",
    "Sofia Rossi RN",
    "Dr Priya Nair",
    "Tom Whitfield RN",
    "Dr Hannah Berg",
)
CHECKERS = ("Grace Mensah", "Daniel Kim", "Elena Petrova")

# (weight, request): weights are relative frequencies in a clinic's day.
WORKING_SET: tuple[tuple[int, Request], ...] = (
    (20, PrepareRequest("dextrose 5%", "60mL", ("D50",))),
    (8, PrepareRequest("dextrose 5%", "30mL", ("D50",))),
    (3, PrepareRequest("dextrose 5%", "100mL", ("D50",))),
    (3, PrepareRequest("dextrose 5%", "40mL", ("D50",))),
    (2, PrepareRequest("dextrose 5%", "20mL", ("D25",))),
    (2, PrepareRequest("dextrose 5%", "5mL", ("D50",))),
    (2, PrepareRequest("dextrose 5%", "10mL", ("D50",), method="syringe")),
    (2, PrepareRequest("dextrose 5%", "60mL", ("D50",), tolerance="2%")),
    (
        1,
        PrepareRequest(
            "dextrose 5%", "60mL", ("D50",), syringes=("10 mL by 0.5 mL", "60 mL by 2 mL")
        ),
    ),
    (1, PrepareRequest("dextrose 5%", "3mL", ("D50",), syringes=("3 mL by 0.1 mL",))),
    (5, PrepareRequest("dextrose 10%", "20mL", ("D50",))),
    (2, PrepareRequest("dextrose 10%", "100mL", ("D50",), diluent="D5W")),
    (3, PrepareRequest("dextrose 12.5%", "20mL", ("D50",))),
    (2, PrepareRequest("dextrose 15%", "10mL", ("D50",))),
    (2, PrepareRequest("dextrose 25%", "20mL", ("D50",))),
    (3, PrepareRequest("dextrose 20% + lidocaine 0.1%", "10mL", ("D50", "lidocaine-1"))),
    (
        2,
        PrepareRequest(
            "dextrose 5% + lidocaine 0.2%", "30mL", ("D50", "lidocaine-2"), weight="70kg"
        ),
    ),
    (4, PrepareRequest("mannitol 5%", "30mL", ("mannitol-20",))),
    (2, PrepareRequest("mannitol 5%", "60mL", ("mannitol-25",))),
    (1, PrepareRequest("mannitol 5%", "30mL", ("mannitol-20",), diluent="D5W")),
    (14, CheckRequest("dextrose 5%", ("D50=6mL", "SWFI=54mL"))),
    (6, CheckRequest("dextrose 5%", ("D50=3mL", "SWFI=27mL"))),
    (2, CheckRequest("dextrose 5%", ("D50=6.2mL", "SWFI=54mL"))),
    (1, CheckRequest("dextrose 5%", ("D50=7mL", "SWFI=53mL"))),
    (1, CheckRequest("dextrose 5%", ("D50=6mL", "SWFI=50mL"))),
    (2, CheckRequest("dextrose 5%", ("D50=2mL", "SWFI=18mL"))),
    (3, CheckRequest("dextrose 10%", ("D50=4mL", "SWFI=16mL"))),
    (2, CheckRequest("dextrose 12.5%", ("D50=5mL", "SWFI=15mL"))),
    (2, CheckRequest("dextrose 20% + lidocaine 0.1%", ("D50=4mL", "lidocaine-1=1mL", "SWFI=5mL"))),
    (3, CheckRequest("mannitol 5%", ("mannitol-20=7.5mL", "SWFI=22.5mL"))),
    (1, CheckRequest("mannitol 5%", ("mannitol-25=12mL", "SWFI=48mL"))),
    (2, CheckRequest("dextrose 5%", ("D50=10mL", "SWFI=90mL"))),
    (1, CheckRequest("dextrose 5%", ("D50=6mL", "SWFI=54mL"), tolerance="2%")),
    (1, CheckRequest("dextrose 15%", ("D50=3mL", "SWFI=7mL"))),
)

START = dt.datetime(2022, 1, 3, 8, 0, tzinfo=dt.UTC)
DAY_START, DAY_END = dt.time(8, 0), dt.time(17, 30)
MEAN_GAP_MINUTES = 9.0


def argv_for(request: Request, log_name: str, by: str | None, checked_by: str | None) -> list[str]:
    """Write the arguments a user would have typed for a request."""
    if isinstance(request, CheckRequest):
        argv = [request.target, *request.drawn]
    else:
        argv = [request.target, "--volume", request.volume]
        for stock in request.stocks:
            argv += ["--from", stock]
        if request.diluent != "SWFI":
            argv += ["--diluent", request.diluent]
        if request.method:
            argv += ["--method", request.method]
        if request.syringes != PrepareRequest.syringes:
            for syringe in request.syringes:
                argv += ["--syringe", syringe]
    if request.tolerance != PrepareRequest.tolerance:
        argv += ["--tolerance", request.tolerance]
    if request.weight:
        argv += ["--weight", request.weight]
    argv += ["--log", log_name]
    if by:
        argv += ["--by", by]
    if checked_by:
        argv += ["--checked-by", checked_by]
    return argv


def result_of(request: Request) -> dict[str, Any]:
    """Run a request through the commands' own functions and render it as they do."""
    catalogue = load_catalogue(None)
    if isinstance(request, CheckRequest):
        done = run_check(request, catalogue)
        return check_data(done.target_text, done.portions, done.assessment, done.catalogue_version)
    return recipe_data(run_prepare(request, catalogue))


def times(rng: random.Random) -> Any:
    """Yield record times through working days, about one every nine minutes."""
    now = START
    while True:
        yield now
        now += dt.timedelta(minutes=rng.expovariate(1 / MEAN_GAP_MINUTES))
        if now.time() > DAY_END or now.weekday() >= 5:
            day = now.date() + dt.timedelta(days=1)
            while day.weekday() >= 5:
                day += dt.timedelta(days=1)
            now = dt.datetime.combine(day, DAY_START, tzinfo=dt.UTC) + dt.timedelta(
                minutes=rng.uniform(0, 20)
            )


def make_log(path: Path, records: int, *, seed: int = 1) -> None:
    """Write a log of `records` records to path (replacing it)."""
    rng = random.Random(seed)
    weights = [w for w, _ in WORKING_SET]
    requests = [r for _, r in WORKING_SET]
    results = [result_of(r) for r in requests]
    header = encode(
        header_record(time=dt.datetime(2022, 1, 3, 8, tzinfo=dt.UTC), log_id=f"{seed:032x}")
    )
    prev = line_hash(header)
    clock = times(rng)
    with path.open("wb", buffering=1 << 20) as out:
        out.write(header + b"\n")
        for _ in range(records):
            index = rng.choices(range(len(requests)), weights)[0]
            request = requests[index]
            is_check = isinstance(request, CheckRequest)
            by = None if is_check else rng.choice(PREPARERS)
            checked_by = rng.choice(CHECKERS) if is_check or rng.random() < 0.3 else None
            record = new_record(
                command="check" if is_check else "prepare",
                time=next(clock),
                argv=argv_for(request, path.name, by, checked_by),
                request=request,
                result=results[index],
                prepared_by=by,
                checked_by=checked_by,
            )
            record["prev"] = prev
            line = encode(record)
            out.write(line + b"\n")
            prev = line_hash(line)


def main() -> int:
    """Parse the arguments and write the log."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    make_log(args.out, args.records, seed=args.seed)
    print(f"wrote {args.records:,} records to {args.out} ({args.out.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
