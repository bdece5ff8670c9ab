"""Precision and recall of ``letter-gen check`` on the real-document corpus (issue 14).

    python bench/check_corpus.py DOCS_DIR [--judgments bench/corpus_judgments.json]
                                 [--corpus bench/corpus.json] [--no-pdf]

DOCS_DIR holds ``<id>.docx`` for every entry of corpus.json (rebuild it with
bench/fetch_corpus.py). Every document is checked in-process (``check_files``, with the
laid-out ``pdf-*`` rules unless --no-pdf), and each finding is matched to a judgment by
(doc, rule, locator) — the finding's ``where`` — preferring one whose message is the same
too; several findings with the same key consume judgments one by one.

A judgment is "true" (the page breaks that rule there), "false" (it does not; ``pattern``
names why) or "miss" (a reader sees the problem, check did not report it). Then:

    precision = true findings / judged findings
    recall    = true findings / (true findings + misses)

A miss that check now reports (a finding with the miss's key) counts as a true finding.
Findings without a judgment are listed as "unjudged" and left out of both numbers; judged
findings that check no longer reports are listed as "gone". Always exits 0.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

GROUPS = {"công văn": lambda kind: kind == "cong-van", "other kinds": lambda kind: kind != "cong-van"}


def run_check(paths: list[Path], pdf: bool) -> list[list[dict[str, str]]]:
    from letter_gen.checking.rules import check_files

    results = check_files(paths, pdf=pdf)
    return [[{"rule": f.rule, "where": f.where, "message": f.message} for f in found] for found in results]


def match(findings: dict[str, list[dict[str, str]]], judgments: list[dict[str, str]]):
    """Pair findings with judgments; returns (scored, unjudged, gone) lists."""
    pool: dict[tuple[str, str, str], list[dict[str, str]]] = defaultdict(list)
    for j in judgments:
        pool[(j["doc"], j["rule"], j["locator"])].append(j)
    scored, unjudged = [], []
    for doc, found in findings.items():
        for f in found:
            candidates = pool.get((doc, f["rule"], f["where"]), [])
            pick = next((j for j in candidates if j["message"] == f["message"]), None)
            if pick is None and candidates:
                pick = candidates[0]
            if pick is None:
                unjudged.append((doc, f))
                continue
            candidates.remove(pick)
            verdict = "true" if pick["verdict"] == "miss" else pick["verdict"]  # a miss now found
            scored.append((doc, f, verdict, pick))
    misses = [j for js in pool.values() for j in js if j["verdict"] == "miss"]
    gone = [j for js in pool.values() for j in js if j["verdict"] != "miss"]
    return scored, unjudged, misses, gone


def pct(a: int, b: int) -> str:
    return f"{100 * a / b:5.1f}%" if b else "   n/a"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("docs", type=Path)
    ap.add_argument("--judgments", type=Path, default=HERE / "corpus_judgments.json")
    ap.add_argument("--corpus", type=Path, default=HERE / "corpus.json")
    ap.add_argument("--no-pdf", action="store_true", help="skip the laid-out (pdf-*) rules")
    args = ap.parse_args(argv)

    corpus = json.loads(args.corpus.read_text(encoding="utf-8"))
    judgments = json.loads(args.judgments.read_text(encoding="utf-8"))
    if args.no_pdf:
        judgments = [j for j in judgments if not j["rule"].startswith("pdf-")]
    kinds = {e["id"]: e["kind"] for e in corpus}
    present = [e for e in corpus if (args.docs / f"{e['id']}.docx").exists()]
    absent = [e["id"] for e in corpus if e not in present]
    if absent:
        print(f"missing from {args.docs}: {', '.join(absent)} (run bench/fetch_corpus.py); left out")
        judgments = [j for j in judgments if j["doc"] not in absent]
    paths = [args.docs / f"{e['id']}.docx" for e in present]
    findings = dict(zip([e["id"] for e in present], run_check(paths, pdf=not args.no_pdf)))

    scored, unjudged, misses, gone = match(findings, judgments)
    print(f"{len(present)} documents: " + ", ".join(f"{n} {k}" for k, n in Counter(kinds[e['id']] for e in present).most_common()))
    print(f"{'group':<12} {'findings':>8} {'true':>5} {'false':>6} {'misses':>6} {'precision':>9} {'recall':>7}")
    for name, test in (("all", lambda k: True), *GROUPS.items()):
        t = sum(1 for d, _, v, _ in scored if test(kinds[d]) and v == "true")
        fl = sum(1 for d, _, v, _ in scored if test(kinds[d]) and v == "false")
        m = sum(1 for j in misses if test(kinds[j["doc"]]))
        print(f"{name:<12} {t + fl:>8} {t:>5} {fl:>6} {m:>6} {pct(t, t + fl):>9} {pct(t, t + m):>7}")

    print("\nper rule (all kinds):")
    per: dict[str, Counter[str]] = defaultdict(Counter)
    for _, f, v, _ in scored:
        per[f["rule"]][v] += 1
    for j in misses:
        per[j["rule"]]["miss"] += 1
    for rule, c in sorted(per.items(), key=lambda kv: -kv[1]["false"]):
        print(f"  {rule:<18} true {c['true']:>3}  false {c['false']:>3}  miss {c['miss']:>2}  precision {pct(c['true'], c['true'] + c['false'])}")

    print("\nfalse findings by pattern:")
    patterns = Counter(j["pattern"] or "(no pattern)" for _, _, v, j in scored if v == "false")
    for pattern, n in patterns.most_common():
        example = next(f"{d}: {f['rule']}: {f['where'][:60]}" for d, f, v, j in scored if v == "false" and (j["pattern"] or "(no pattern)") == pattern)
        print(f"  {n:>4}  {pattern:<34} e.g. {example}")

    if misses:
        print(f"\nmisses ({len(misses)}):")
        for j in misses:
            print(f"  {j['doc']}: {j['rule']}: {j['locator']}: {j['note']}")
    if unjudged:
        print(f"\nunjudged ({len(unjudged)}): findings with no judgment (judge them and add them to {args.judgments.name})")
        for d, f in unjudged:
            print(f"  {d}: {f['rule']}: {f['where']}: {f['message']}")
    if gone:
        print(f"\ngone ({len(gone)}): judged findings check no longer reports "
              f"({sum(1 for j in gone if j['verdict'] == 'false')} were false, {sum(1 for j in gone if j['verdict'] == 'true')} true)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
