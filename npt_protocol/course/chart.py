"""The course chart: pain before and right after each session, the baseline and the responder
threshold drawn in, flags marked. SVG from matplotlib (Agg), imported only here.

Text is drawn as paths, so the SVG looks the same in a browser and inside typst's PDF without
any font, and the output is reproducible (no date, fixed ids) for golden tests.
"""

from __future__ import annotations

import io
from typing import Any

BEFORE = "#1f4e9c"
AFTER = "#2a9d5b"
FLAG = "#c0392b"


def chart_svg(doc: dict[str, Any]) -> str:
    """Draw the course report document's sessions as an SVG chart."""
    import matplotlib  # noqa: PLC0415 - the plotting library costs start-up time; only here

    matplotlib.use("Agg")
    from matplotlib.figure import Figure  # noqa: PLC0415

    sessions = doc["sessions"]
    status = doc["status"]
    with matplotlib.rc_context(
        {"svg.hashsalt": "npt-course", "svg.fonttype": "path", "font.size": 9}
    ):
        figure = Figure(figsize=(7.0, 3.6))
        axes = figure.add_subplot()
        numbers = [s["index"] for s in sessions]
        axes.plot(
            numbers,
            [s["pain_before"] for s in sessions],
            marker="o",
            color=BEFORE,
            label="pain before",
        )
        after = [(s["index"], s["pain_after"]) for s in sessions if s["pain_after"] is not None]
        if after:
            axes.plot(
                [n for n, _ in after],
                [p for _, p in after],
                marker="s",
                linestyle="--",
                color=AFTER,
                label="pain right after",
            )
        if status["baseline"] is not None:
            axes.axhline(
                status["baseline"], color="#555555", linewidth=1.3, linestyle="-.", label="baseline"
            )
        threshold = status["responder_threshold"]
        if threshold is not None:
            axes.axhline(
                threshold, color=BEFORE, linewidth=1, linestyle=":", label="responder threshold"
            )
        if doc["flags"] and sessions:
            last = sessions[-1]
            rules = ", ".join(flag["rule"] for flag in doc["flags"])
            axes.annotate(
                f"flag: {rules}",
                xy=(last["index"], last["pain_before"]),
                xytext=(0, 14),
                textcoords="offset points",
                ha="center",
                color=FLAG,
                fontweight="bold",
                # A white ground keeps the words readable where they cross a line of the chart.
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.5},
            )
            axes.plot([last["index"]], [last["pain_before"]], marker="X", markersize=11, color=FLAG)
        axes.set_ylim(-0.3, 10.9)
        axes.set_yticks(range(0, 11))
        axes.set_xlim(0.5, max([len(sessions), 3]) + 0.5)
        axes.set_xticks(numbers or [1])
        axes.set_xticklabels(
            [f"{s['index']}\n{s['date'][5:]}" for s in sessions] if sessions else ["1"]
        )
        axes.set_xlabel("session")
        axes.set_ylabel("pain (0-10)")
        axes.grid(axis="y", linewidth=0.4, alpha=0.5)
        axes.set_title(f"{doc['patient']}, course {doc['course']}: {doc['regions_text']}")
        # Below the plot, where it never hides a point.
        axes.legend(
            loc="upper center", bbox_to_anchor=(0.5, -0.3), ncol=4, fontsize=7, frameon=False
        )
        # Fixed margins: tight_layout would draw the figure twice to measure it.
        figure.subplots_adjust(left=0.08, right=0.98, top=0.9, bottom=0.32)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()
