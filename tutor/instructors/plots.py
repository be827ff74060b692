"""The progress figures as SVG, drawn by matplotlib without a display or a network (text kept as text)."""

from __future__ import annotations

import io
import threading

from tutor.instructors.reports import BINS

_lock = threading.Lock()  # pyplot's state is global


def _svg(fig) -> str:
    import matplotlib.pyplot as plt

    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight")
    plt.close(fig)
    svg = buffer.getvalue()
    return svg[svg.index("<svg"):]  # inline: without the XML prologue


def _bars(labels: list[str], series: dict[str, list[float]], title: str, stacked: bool = False,
          xlim: tuple[float, float] | None = None) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with _lock, matplotlib.rc_context({"svg.fonttype": "none", "font.size": 9}):
        fig, ax = plt.subplots(figsize=(7, 0.45 * max(len(labels), 2) + 1.2))
        positions = list(range(len(labels)))
        height = 0.8 if stacked else 0.8 / max(len(series), 1)
        left = [0.0] * len(labels)
        for n, (name, values) in enumerate(series.items()):
            if stacked:
                ax.barh(positions, values, height, left=left, label=name)
                left = [a + b for a, b in zip(left, values)]
            else:
                ax.barh([p + (n - (len(series) - 1) / 2) * height for p in positions], values, height, label=name)
        ax.set_yticks(positions, [label if len(label) <= 45 else label[:44].rstrip() + "…" for label in labels])
        ax.invert_yaxis()
        ax.set_title(title)
        if xlim:
            ax.set_xlim(*xlim)
        else:  # counts: whole numbers from 0, and an axis even when nothing was counted yet
            from matplotlib.ticker import MaxNLocator

            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.set_xlim(0, max([1.0, *left] if stacked else [1.0, *(v for vals in series.values() for v in vals)]))
        if len(series) > 1:
            ax.legend(loc="lower right", fontsize=8)
        ax.spines[["top", "right"]].set_visible(False)
        return _svg(fig)


def figures(report: dict, t) -> dict[str, str]:
    """The four plots of the progress page, by name; `t` gives the labels in the page's language."""
    rows = report["lessons"]
    labels = [r["title"] for r in rows]
    return {
        "questions": _bars(labels, {t("questions"): [r["questions"] for r in rows],
                                    t("declines"): [r["declines"] for r in rows]}, t("questions")),
        "feedback": _bars(labels, {t("helpful"): [r["thumbs_up"] for r in rows],
                                    t("unhelpful"): [r["thumbs_down"] for r in rows]},
                          t("feedback")),
        "quiz": _bars(labels, {t("quiz_success"): [100 * (r["quiz_success"] or 0) for r in rows]},
                      t("quiz_success") + " (%)", xlim=(0, 100)),
        "mastery": _bars(labels, {b: [r[b] for r in rows] for b in BINS}, t("mastery") + " — " + t("learners"),
                         stacked=True),
    }
