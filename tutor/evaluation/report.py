"""The eval report: a terminal table, and a one-page HTML report with breakdowns and a latency chart."""

from __future__ import annotations

import html

from tutor.evaluation.runner import EvalRun

LABELS = {
    "hit_at_1": "retrieval hit@1", "hit_at_k": "retrieval hit@k", "mrr": "retrieval MRR",
    "key_fact_recall": "key-fact recall", "fully_correct": "fully correct answers",
    "citation_validity": "citation validity", "citation_support": "citation support",
    "in_course_answered": "in-course answered", "off_course_declined": "off-course declined",
    "language_match": "language match",
    "technique_compliance": "technique kept (shown)", "technique_kept_by_model": "technique kept (by model)",
    "latency_p50_ms": "latency p50 (ms)", "latency_p95_ms": "latency p95 (ms)",
    "first_token_p50_ms": "first token p50 (ms)", "first_token_p95_ms": "first token p95 (ms)",
    "judge_faithfulness": "judge: faithfulness (1-5)", "judge_helpfulness": "judge: helpfulness (1-5)",
}


def _fmt(value) -> str:
    if value is None:
        return "-"
    return f"{value:.3f}" if isinstance(value, float) and abs(value) <= 1.5 else f"{value}"


def text_report(runs: dict[str, EvalRun], gated: str) -> str:
    """The splits side by side (the gated one with its thresholds and baseline), then the gated split's
    failed cases."""
    run = runs[gated]
    thresholds = run.meta["thresholds"]
    names = list(runs)
    lines = [f"{name}: {r.summary['passed']}/{r.summary['cases']} cases passed" for name, r in runs.items()]
    lines += [f"({run.meta['provider']}/{run.meta['model']}, technique {run.meta.get('technique', 'zero-shot')}, "
              f"{sum(r.meta['seconds'] for r in runs.values()):.1f} s; gate on {gated})", "",
              f"{'metric':26} " + " ".join(f"{name:>9}" for name in names)
              + f" {'threshold':>10} {'vs baseline':>12}"]
    for key, label in LABELS.items():
        delta = run.baseline_delta.get(key)
        delta_text = "-" if delta is None else f"{delta:+.3f}" if abs(delta) <= 1.5 else f"{delta:+.0f}"
        values = " ".join(f"{_fmt(r.summary.get(key)):>9}" for r in runs.values())
        lines.append(f"{label:26} {values} {_fmt(thresholds.get(key)):>10} {delta_text:>12}")
    failed = [r for r in run.rows if not r["passed"]]
    if failed:
        lines += ["", f"Failed cases of {gated} ({len(failed)}):"]
        for r in failed:
            answer = r["answer"].replace("\n", " ")
            lines.append(f"- {r['id']} [{r['type'] or r['expect']}] {'; '.join(why_failed(r))}\n"
                         f"    Q: {r['question']}\n    A: {answer[:300]}")
    lines.append("")
    lines.append("Gate: PASSED" if not run.failures else "Gate: FAILED\n  " + "\n  ".join(run.failures))
    return "\n".join(lines)


def why_failed(row: dict) -> list[str]:
    why = []
    if row["declined_correctly"] != 1.0:
        why.append("declined" if row["refused"] else "answered an off-course question")
    if row.get("missing_facts"):
        why.append(f"missing {row['missing_facts']}")
    if row["language_match"] != 1.0:
        why.append(f"language {row['language']}")
    if row["citation_validity"] == 0.0:
        why.append("invalid citation")
    return why


def _table(title: str, groups: dict) -> str:
    keys = ["cases", "passed", "hit_at_k", "fully_correct", "citation_support", "in_course_answered",
            "off_course_declined", "language_match", "latency_p50_ms"]
    head = "".join(f"<th>{html.escape(LABELS.get(k, k))}</th>" for k in keys)
    body = "".join(
        f"<tr><td>{html.escape(name)}</td>" + "".join(f"<td>{_fmt(agg.get(k))}</td>" for k in keys) + "</tr>"
        for name, agg in groups.items())
    return f"<h2>{html.escape(title)}</h2><table><tr><th></th>{head}</tr>{body}</table>"


def _latency_chart(rows: list[dict]) -> str:
    data = sorted(((r["total_ms"] or 0.0, r["first_token_ms"] or 0.0, r["id"]) for r in rows), reverse=True)
    top = max((d[0] for d in data), default=1.0) or 1.0
    bar_h, width = 14, 640
    bars = []
    for i, (total, first, case_id) in enumerate(data):
        y = i * (bar_h + 2)
        bars.append(
            f'<text x="0" y="{y + 11}" font-size="10">{html.escape(case_id)}</text>'
            f'<rect x="70" y="{y}" width="{width * total / top:.1f}" height="{bar_h}" fill="#9ecae1"/>'
            f'<rect x="70" y="{y}" width="{width * first / top:.1f}" height="{bar_h}" fill="#3182bd"/>'
            f'<text x="{75 + width * total / top:.1f}" y="{y + 11}" font-size="10">{total / 1000:.1f} s</text>')
    height = len(data) * (bar_h + 2)
    return (f"<h2>Latency per case (dark: first token, light: total)</h2>"
            f'<svg width="{width + 140}" height="{height}" xmlns="http://www.w3.org/2000/svg">{"".join(bars)}</svg>')


def html_report(runs: dict[str, EvalRun], gated: str) -> str:
    run = runs[gated]
    heads = "".join(f"<th>{html.escape(name)}</th>" for name in runs)
    summary_rows = "".join(
        f"<tr><td>{html.escape(label)}</td>" + "".join(f"<td>{_fmt(r.summary.get(k))}</td>" for r in runs.values())
        + f"<td>{_fmt(run.meta['thresholds'].get(k))}</td><td>{_fmt(run.baseline_delta.get(k))}</td></tr>"
        for k, label in LABELS.items())
    failed = "".join(
        f"<tr><td>{html.escape(r['id'])}</td><td>{html.escape(r['question'])}</td>"
        f"<td>{html.escape('; '.join(why_failed(r)))}</td><td>{html.escape(r['answer'])}</td></tr>"
        for r in run.rows if not r["passed"])
    verdict = "PASSED" if not run.failures else "FAILED: " + "; ".join(run.failures)
    passed = ", ".join(f"{name} {r.summary['passed']}/{r.summary['cases']}" for name, r in runs.items())
    return f"""<!doctype html><html lang="en"><meta charset="utf-8"><title>tutor eval</title>
<style>body{{font-family:sans-serif;max-width:1100px;margin:2em auto}}table{{border-collapse:collapse;margin:1em 0}}
td,th{{border:1px solid #ccc;padding:3px 8px;font-size:13px;text-align:left}}</style>
<h1>tutor eval: {html.escape(passed)} cases passed</h1>
<p>{html.escape(run.meta['provider'])}/{html.escape(run.meta['model'])}, embeddings {html.escape(run.meta['embeddings'])},
technique {html.escape(run.meta.get('technique', 'zero-shot'))}. Gate on {html.escape(gated)}: <b>{html.escape(verdict)}</b></p>
<h2>Summary</h2><table><tr><th>metric</th>{heads}<th>threshold ({html.escape(gated)})</th><th>vs baseline</th></tr>
{summary_rows}</table>
{_table(f"Per lesson ({gated})", run.by_lesson)}{_table(f"Per case type ({gated})", run.by_type)}{_latency_chart(run.rows)}
<h2>Failed cases ({html.escape(gated)})</h2><table><tr><th>id</th><th>question</th><th>why</th><th>answer</th></tr>
{failed}</table></html>"""
