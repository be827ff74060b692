"""Time to the first word, warm, for first questions and for follow-ups, and a tutorial-style RAG baseline,
in one run with the default local model.

Run: .venv/bin/python benchmarks/first_token.py [--questions 10]
A "first question" is an in-course question of the answers dev split with no history; a "follow-up" is
the dev split's follow-up cases (their earlier turns as history), asked in the same process, so both
benefit from the same warm caches. The baseline is a LangChain-tutorial RAG ("rlm/rag-prompt", 1,000-
character chunks of the raw course, k=4, context before the question) on the same model and questions.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from langchain_core.messages import HumanMessage  # noqa: E402

from tutor.config import Settings  # noqa: E402
from tutor.course.ingest import ingest  # noqa: E402
from tutor.engine.events import Done, Token  # noqa: E402
from tutor.engine.tutor import Tutor  # noqa: E402

COURSE_DOC = ROOT.parent / "shared" / "course" / "partie-2-comment-fonctionne-l-ia-generative.md"
TUTORIAL_PROMPT = ("You are an assistant for question-answering tasks. Use the following pieces of retrieved "
                   "context to answer the question. If you don't know the answer, just say that you don't know. "
                   "Use three sentences maximum and keep the answer concise.\nQuestion: {question} \n"
                   "Context: {context} \nAnswer:")


def first_token(tutor, question, history=()):
    started, first, result = time.perf_counter(), None, None
    for event in tutor.stream(question, history):
        if isinstance(event, Token) and first is None:
            first = time.perf_counter() - started
        elif isinstance(event, Done):
            result = event.result
    return first, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=int, default=10)
    parser.add_argument("--cold-sections", action="store_true",
                        help="do not read each section's prompt start before the questions")
    args = parser.parse_args()
    cases = [json.loads(line) for line in open(ROOT / "evals" / "answers-dev.jsonl", encoding="utf-8")]
    firsts_q = [c for c in cases if c["expect"] == "answer" and not c.get("history")]
    firsts_q = firsts_q[:: max(1, len(firsts_q) // args.questions)][: args.questions]
    follow_ups = [c for c in cases if c["expect"] == "answer" and c.get("history")][: args.questions]
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(_env_file=None, data_dir=Path(tmp) / "data", knowledge={"dir": ROOT / "knowledge"})
        ingest(settings)
        tutor = Tutor(settings)
        tutor.warm_up(sections=not args.cold_sections)  # as a serving process is once each section was asked
        first_token(tutor, "Qu'est-ce qu'un prompt ?")  # warm the process (embedding model, index, caches)
        times = {"first question": [], "follow-up": []}
        tokens = {"first question": [], "follow-up": []}
        for kind, group in (("first question", firsts_q), ("follow-up", follow_ups)):
            for case in group:
                first, result = first_token(tutor, case["question"], case.get("history", []))
                if first is None:
                    continue  # declined: nothing streamed
                times[kind].append(first)
                tokens[kind].append(sum(tutor.llm.model.count_tokens(m["content"]) for m in result.prompt["messages"]))
        for kind, values in times.items():
            print(f"{kind:15} first token p50 {statistics.median(values):.2f} s over {len(values)} answers "
                  f"(prompt p50 {statistics.median(tokens[kind]):.0f} tokens)")
        ratio = statistics.median(times["follow-up"]) / statistics.median(times["first question"])
        print(f"follow-up / first question: {ratio:.2f}")

        import numpy as np
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        chunks = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_text(
            COURSE_DOC.read_text(encoding="utf-8"))
        vectors = np.array(tutor.embeddings.embed_documents(chunks))
        model, baseline = tutor.llm.model, []
        for case in firsts_q:
            scores = vectors @ np.array(tutor.embeddings.embed_query(case["question"]))
            context = "\n\n".join(chunks[i] for i in np.argsort(-scores)[:4])
            started = time.perf_counter()
            for _ in model.stream([HumanMessage(TUTORIAL_PROMPT.format(question=case["question"], context=context))]):
                baseline.append(time.perf_counter() - started)
                break
        print(f"tutorial-style RAG first token p50 {statistics.median(baseline):.2f} s "
              f"(tutor / tutorial = {statistics.median(times['first question']) / statistics.median(baseline):.2f})")


if __name__ == "__main__":
    main()
