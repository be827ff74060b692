"""Per-case metrics and their aggregates. Deterministic: string matching after `normalize`."""

from __future__ import annotations

from statistics import mean

from tutor.evaluation.dataset import Case
from tutor.evaluation.normalize import contains
from tutor.i18n import detect_language
from tutor.text import cited


def evidence_rank(retrieved: list[dict], evidence: list[str]) -> int:
    """1-based rank of the first retrieved chunk containing any evidence string; 0 if none does."""
    for rank, chunk in enumerate(retrieved, 1):
        if any(contains(chunk["text"], e) or contains(chunk.get("section", ""), e) for e in evidence):
            return rank
    return 0


def score_case(case: Case, result: dict) -> dict:
    """Every metric for one case; None where a metric does not apply to it."""
    answer = result.get("answer", "")
    refused = bool(result.get("refused"))
    in_course = case.expect == "answer"
    row: dict = {"id": case.id, "lesson": case.lesson, "type": case.type, "expect": case.expect,
                 "question": case.question, "answer": answer, "refused": refused,
                 "refusal_reason": result.get("refusal_reason")}
    retrieved = result.get("retrieved", [])
    rank = evidence_rank(retrieved, case.evidence) if in_course and case.evidence else None
    row["rank"] = rank
    row["hit_at_1"] = None if rank is None else float(rank == 1)
    row["hit_at_k"] = None if rank is None else float(rank > 0)
    row["mrr"] = None if rank is None else (1.0 / rank if rank else 0.0)

    if in_course and case.key_facts:
        found = [any(contains(answer, alt) for alt in group) for group in case.key_facts]
        row["missing_facts"] = [group[0] for group, ok in zip(case.key_facts, found) if not ok]
        row["key_fact_recall"] = 0.0 if refused else sum(found) / len(found)
        row["fully_correct"] = float(not refused and all(found))
    else:
        row["key_fact_recall"] = row["fully_correct"] = None

    citations = result.get("citations", [])
    sent = {c["n"] for c in retrieved if c.get("n")}
    cited_in_text = set(cited(answer))
    if citations or cited_in_text:
        listed = {c["n"] for c in citations}
        row["citation_validity"] = float(listed <= sent and cited_in_text <= listed)
    else:
        row["citation_validity"] = None
    if in_course and citations and case.evidence:
        row["citation_support"] = float(any(any(contains(c["text"], e) for e in case.evidence) for c in citations))
    else:
        row["citation_support"] = None

    row["declined_correctly"] = float(refused == (not in_course))
    kept = result.get("promise_kept")
    row["technique_compliance"] = None if refused or kept is None else float(kept)
    row["technique_kept_by_model"] = None if refused or kept is None else float(bool(result.get("promise_kept_by_model")))
    row["repaired"] = len(result.get("repaired_sentences") or [])
    row["dropped"] = len(result.get("unsupported_sentences") or [])
    row["quote_reading"] = result.get("quote_reading")  # the last check before a decline (tutor.engine.quoting)
    row["language"] = detect_language(answer, default=result.get("language", "fr")) if answer else None
    row["language_match"] = float(row["language"] == case.lang) if answer else 0.0
    timings = result.get("timings", {})
    row["total_ms"] = timings.get("total_ms")
    row["first_token_ms"] = timings.get("first_token_ms")
    row["passed"] = _passed(row, in_course)
    return row


def _passed(row: dict, in_course: bool) -> bool:
    checks = [row["declined_correctly"] == 1.0, row["language_match"] == 1.0, row["citation_validity"] in (None, 1.0)]
    if in_course:
        checks.append(row["fully_correct"] in (None, 1.0))
    return all(checks)


def _avg(rows: list[dict], key: str) -> float | None:
    values = [r[key] for r in rows if r.get(key) is not None]
    return round(mean(values), 4) if values else None


def percentile(values: list[float], q: float) -> float | None:
    values = sorted(v for v in values if v is not None)
    if not values:
        return None
    index = min(len(values) - 1, max(0, round(q * (len(values) - 1))))
    return round(values[index], 1)


def aggregate(rows: list[dict]) -> dict:
    """The suite's figures over `rows` (all cases, or one lesson's, or one type's)."""
    answer_rows = [r for r in rows if r["expect"] == "answer"]
    refuse_rows = [r for r in rows if r["expect"] == "refuse"]
    total = [r["total_ms"] for r in rows]
    first = [r["first_token_ms"] for r in rows]
    return {
        "cases": len(rows),
        "passed": sum(r["passed"] for r in rows),
        "hit_at_1": _avg(rows, "hit_at_1"),
        "hit_at_k": _avg(rows, "hit_at_k"),
        "mrr": _avg(rows, "mrr"),
        "key_fact_recall": _avg(rows, "key_fact_recall"),
        "fully_correct": _avg(rows, "fully_correct"),
        "citation_validity": _avg(rows, "citation_validity"),
        "citation_support": _avg(rows, "citation_support"),
        "in_course_answered": _avg(answer_rows, "declined_correctly"),
        "off_course_declined": _avg(refuse_rows, "declined_correctly"),
        "language_match": _avg(rows, "language_match"),
        "technique_compliance": _avg(rows, "technique_compliance"),
        "technique_kept_by_model": _avg(rows, "technique_kept_by_model"),
        "latency_p50_ms": percentile(total, 0.5),
        "latency_p95_ms": percentile(total, 0.95),
        "first_token_p50_ms": percentile(first, 0.5),
        "first_token_p95_ms": percentile(first, 0.95),
    }


def breakdown(rows: list[dict], key: str) -> dict[str, dict]:
    groups: dict[str, list[dict]] = {}
    for row in rows:
        groups.setdefault(row.get(key) or "(none)", []).append(row)
    return {name: aggregate(group) for name, group in sorted(groups.items())}
