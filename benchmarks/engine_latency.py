"""Engine speed with the default local model: retrieval p50/p95 (course and a synthetic 10,000-chunk
index), time to first token, tokens/s, end-to-end time, peak memory, the engine's overhead over calling
the model directly with the same prompt, and a tutorial-style RAG baseline on the same questions.

Run: .venv/bin/python benchmarks/engine_latency.py [--questions 8] [--synthetic 10000]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from langchain_core.messages import HumanMessage, SystemMessage  # noqa: E402

from tutor.config import Settings  # noqa: E402
from tutor.course.ingest import ingest  # noqa: E402
from tutor.engine.events import Done, Token  # noqa: E402
from tutor.engine.tutor import Tutor  # noqa: E402

COURSE_DOC = ROOT.parent / "shared" / "course" / "partie-2-comment-fonctionne-l-ia-generative.md"
# The prompt of a typical LangChain RAG tutorial ("rlm/rag-prompt"), context before the question.
TUTORIAL_PROMPT = ("You are an assistant for question-answering tasks. Use the following pieces of retrieved "
                   "context to answer the question. If you don't know the answer, just say that you don't know. "
                   "Use three sentences maximum and keep the answer concise.\nQuestion: {question} \n"
                   "Context: {context} \nAnswer:")


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def retrieval_times(tutor, questions, repeat=3):
    times = []
    for _ in range(repeat):
        for q in questions:
            started = time.perf_counter()
            tutor.retriever.retrieve(q)
            times.append((time.perf_counter() - started) * 1000)
    return pct(times, 0.5), pct(times, 0.95)


def stream_timed(model, messages):
    started, first, text = time.perf_counter(), None, ""
    for chunk in model.stream(messages):
        if first is None:
            first = time.perf_counter() - started
        text += chunk.text
    return first, time.perf_counter() - started, text


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=int, default=8)
    parser.add_argument("--synthetic", type=int, default=10000)
    args = parser.parse_args()
    cases = [json.loads(line) for line in open(ROOT / "evals" / "answers-dev.jsonl", encoding="utf-8")]
    in_course = [c["question"] for c in cases if c["expect"] == "answer" and not c.get("history")]
    sample = in_course[:: max(1, len(in_course) // args.questions)][: args.questions]

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        settings = Settings(_env_file=None, data_dir=tmp / "data", knowledge={"dir": ROOT / "knowledge"})
        ingest(settings)
        started = time.perf_counter()
        tutor = Tutor(settings)
        tutor.warm_up()
        print(f"model load + warm-up: {time.perf_counter() - started:.1f} s ({settings.llm.local_model})")
        p50, p95 = retrieval_times(tutor, in_course)
        print(f"retrieval over the course ({len(tutor.reader.snapshot().chunks)} chunks): p50 {p50:.1f} ms, p95 {p95:.1f} ms")

        firsts, totals, rates, direct_totals = [], [], [], []
        for q in sample:
            result, first, n_tokens = None, None, 0
            t0 = time.perf_counter()
            for event in tutor.stream(q):
                if isinstance(event, Token):
                    first = first or time.perf_counter() - t0
                    n_tokens += 1
                elif isinstance(event, Done):
                    result = event.result
            total = time.perf_counter() - t0
            if first is None:  # declined: no generation to time
                continue
            firsts.append(first)
            totals.append(total)
            rates.append(n_tokens / max(total - first, 1e-6))
            messages = [SystemMessage(result.prompt["messages"][0]["content"]),
                        HumanMessage(result.prompt["messages"][-1]["content"])]
            # Same prompt straight to the model, after forgetting the cache the engine just warmed.
            tutor.llm.model.reset_cache()
            tutor.warm_up()
            _, direct_total, _ = stream_timed(tutor.llm.model, messages)
            direct_totals.append(direct_total)
        print(f"answers timed: {len(firsts)} of {len(sample)} questions")
        print(f"time to first token: p50 {statistics.median(firsts):.2f} s, p95 {pct(firsts, 0.95):.2f} s")
        print(f"generation: {statistics.median(rates):.1f} tokens/s (median)")
        print(f"end-to-end answer: p50 {statistics.median(totals):.2f} s, p95 {pct(totals, 0.95):.2f} s")
        print(f"engine / direct model call, same prompt: {statistics.median(totals) / statistics.median(direct_totals):.2f} "
              f"(engine {statistics.median(totals):.2f} s, direct {statistics.median(direct_totals):.2f} s)")

        # Tutorial-style RAG on the same model and questions: 1000-char chunks of the raw document, k=4,
        # context before the question, no cache reuse.
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        chunks = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_text(
            COURSE_DOC.read_text(encoding="utf-8")) if COURSE_DOC.exists() else []
        if chunks:
            import numpy as np

            vectors = np.array(tutor.embeddings.embed_documents(chunks))
            tutorial_firsts = []
            for q in sample:
                scores = vectors @ np.array(tutor.embeddings.embed_query(q))
                context = "\n\n".join(chunks[i] for i in np.argsort(-scores)[:4])
                tutor.llm.model.reset_cache()
                first, _, _ = stream_timed(tutor.llm.model, [HumanMessage(
                    TUTORIAL_PROMPT.format(question=q, context=context))])
                tutorial_firsts.append(first)
            print(f"tutorial-style RAG, same model and questions: first token p50 "
                  f"{statistics.median(tutorial_firsts):.2f} s -> tutor/tutorial = "
                  f"{statistics.median(firsts) / statistics.median(tutorial_firsts):.2f}")

        if args.synthetic:
            from ingest_throughput import write_kb

            kb = tmp / "synthetic"
            kb.mkdir()
            write_kb(kb, args.synthetic // 20, 20)
            big = settings.model_copy(update={"data_dir": tmp / "big", "knowledge": settings.knowledge.model_copy(
                update={"dir": kb})})
            # Embedding 10,000 chunks with the real model takes ~10 min (see ingest_throughput.py); search
            # latency does not depend on the vectors' values, so the synthetic chunks get random 384-d
            # vectors under the real model's name, while questions are embedded by the real model.
            from langchain_core.embeddings import DeterministicFakeEmbedding

            from tutor.providers import embedding_model_name
            from tutor.providers.embeddings import CachedEmbeddings

            fake = CachedEmbeddings(DeterministicFakeEmbedding(size=384), embedding_model_name(big.embeddings),
                                    tmp / "synthetic-vectors.sqlite", batch_size=500)
            t0 = time.perf_counter()
            report = ingest(big, embeddings=fake)
            print(f"synthetic index: {report.chunks} chunks built in {time.perf_counter() - t0:.0f} s")
            big_tutor = Tutor(big, chat_model=tutor.llm.model)
            p50, p95 = retrieval_times(big_tutor, in_course, repeat=2)
            print(f"retrieval over {report.chunks} chunks: p50 {p50:.1f} ms, p95 {p95:.1f} ms")
        print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
