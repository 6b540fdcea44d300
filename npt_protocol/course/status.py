"""A course's status from its pain scores: change from baseline, responder, and the flags.

Pure functions of the scores and the rules: the same scores give the same status in whatever
order they were recorded, so a status stored beside the rows can always be checked by
recomputing it.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from npt_protocol.course.rules import ResponseRules
from npt_protocol.ismp import format_number

State = Literal[
    "no sessions", "baseline only", "responder", "not yet a responder", "not a responder"
]
FlagRule = Literal["reconsider", "plateau"]


@dataclass(frozen=True)
class Score:
    """One session's pain on the 0-10 scale: before the injections and right after them."""

    date: dt.date
    before: int
    after: int | None = None
    sites: str = ""  # which regions: orders sessions of the same day by content, not by arrival

    @property
    def order(self) -> tuple[dt.date, int, int, str]:
        """Return the key that orders sessions whatever order they were recorded in."""
        return (self.date, self.before, -1 if self.after is None else self.after, self.sites)


@dataclass(frozen=True)
class Flag:
    """A reason to look again at a course: the rule, the numbers that met it, and its source."""

    rule: FlagRule
    text: str
    source: str

    def line(self) -> str:
        """Say the flag in one line: 'reconsider: ... (source)'."""
        return f"{self.rule}: {self.text} ({self.source})"


@dataclass(frozen=True)
class Change:
    """Pain before one session against the baseline."""

    points: int
    percent: Fraction | None  # None when the baseline is 0: no fall is possible

    def text(self) -> str:
        """Say the change: 'down 2 points (29 %)', 'no change', 'up 1 point (20 %)'."""
        if self.points == 0:
            return "no change"
        way = "down" if self.points > 0 else "up"
        size = abs(self.points)
        unit = "point" if size == 1 else "points"
        if self.percent is None:
            return f"{way} {size} {unit}"
        return f"{way} {size} {unit} ({format_number(abs(self.percent), places=0)} %)"


@dataclass(frozen=True)
class Status:
    """Where a course stands: sessions, baseline, latest pain before, response and flags."""

    sessions: int
    baseline: int | None
    latest: int | None
    change: Change | None
    responder: bool
    first_response: int | None  # the session (1 = first) that first met the responder rule
    state: State
    flags: tuple[Flag, ...]
    judged_after: int  # sessions after which a non-responder is flagged, for this course

    @property
    def flagged(self) -> bool:
        """Return whether any flag is raised."""
        return bool(self.flags)

    def line(self) -> str:
        """Say the status in one line, for lists and summaries."""
        if self.baseline is None or self.latest is None or self.change is None:
            return self.state
        noun = "session" if self.sessions == 1 else "sessions"
        text = (
            f"{self.state}: {self.sessions} {noun}, pain before {self.latest} against baseline "
            f"{self.baseline}, {self.change.text()}"
        )
        return text + "".join(f"; FLAG {flag.rule}" for flag in self.flags)


def ordered(scores: Iterable[Score]) -> list[Score]:
    """Return the scores in course order: by date, then by content for sessions of one day."""
    return sorted(scores, key=lambda score: score.order)


def change(baseline: int, before: int) -> Change:
    """Return how far pain before a session has fallen from the baseline."""
    fall = baseline - before
    return Change(points=fall, percent=None if baseline == 0 else Fraction(fall * 100, baseline))


def responds(rules: ResponseRules, baseline: int, before: int) -> bool:
    """Return whether pain has fallen by the rule's points or per cent from the baseline."""
    fall = change(baseline, before)
    by_percent = fall.percent is not None and fall.percent >= rules.responder_percent
    return fall.points > 0 and (fall.points >= rules.responder_points or by_percent)


def course_status(
    scores: Iterable[Score],
    rules: ResponseRules,
    *,
    protocol_after: int | None = None,
    protocol_source: str = "",
) -> Status:
    """Compute a course's status from its sessions' scores, in any order of recording;
    `protocol_after` is the protocol's own number of sessions before reassessing."""
    sessions = ordered(scores)
    judged_after, judged_origin = rules.reconsider_for(protocol_after, protocol_source)
    if not sessions:
        return Status(0, None, None, None, False, None, "no sessions", (), judged_after)
    baseline, latest = sessions[0].before, sessions[-1].before
    first = next(
        (n for n, s in enumerate(sessions[1:], 2) if responds(rules, baseline, s.before)), None
    )
    responder = len(sessions) > 1 and responds(rules, baseline, latest)
    flags: list[Flag] = []
    count = len(sessions)
    if count == 1:
        state: State = "baseline only"
    elif responder:
        state = "responder"
    elif count < judged_after:
        state = "not yet a responder"
    else:
        state = "not a responder"
        fall = change(baseline, latest)
        flags.append(
            Flag(
                rule="reconsider",
                text=(
                    f"not a responder after {count} sessions: pain before {latest} at session "
                    f"{count} against baseline {baseline}, {fall.text()}, short of "
                    f"{rules.responder_text()}; courses are judged after {judged_after} sessions"
                ),
                source=judged_origin,
            )
        )
    plateau = _plateau(sessions, rules)
    if plateau is not None:
        flags.append(plateau)
    return Status(
        sessions=count,
        baseline=baseline,
        latest=latest,
        change=change(baseline, latest),
        responder=responder,
        first_response=first,
        state=state,
        flags=tuple(flags),
        judged_after=judged_after,
    )


def _plateau(sessions: list[Score], rules: ResponseRules) -> Flag | None:
    """Flag a plateau: pain before moved less than the rule's points across the last sessions."""
    window = rules.plateau_sessions
    if len(sessions) < window + 1:
        return None
    last = sessions[-(window + 1) :]
    steps = [abs(b.before - a.before) for a, b in itertools.pairwise(last)]
    if any(step >= rules.plateau_points for step in steps):
        return None
    first_number = len(sessions) - window
    scores = ", ".join(str(s.before) for s in last[:-1]) + f" and {last[-1].before}"
    return Flag(
        rule="plateau",
        text=(
            f"pain before {scores} at sessions {first_number} to {len(sessions)}: the last "
            f"{window} sessions changed it by less than {rules.plateau_points} "
            f"point{'s' if rules.plateau_points != 1 else ''}"
        ),
        source=rules.plateau_origin.text,
    )
