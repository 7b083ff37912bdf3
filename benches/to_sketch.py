#!/usr/bin/env python3
"""Convert `airisk generate` output to the sketch format of ../shared/bench (ref_airisk.py, parse_only).

usage: to_sketch.py IN_DIR OUT_DIR

Reads IN_DIR/checklist.yaml and IN_DIR/answers.yaml (airisk's format: kebab-case keys, the
full rule language) and writes OUT_DIR/checklist.yaml and OUT_DIR/answers.yaml in the format
that ../shared/bench/gen.py writes and ref_airisk.py and parse_only read (snake_case, one
`when: {question, answer_in | elaboration_matches | elaboration_shorter_than}` per rule),
with gen.py's dump options. Sections, questions (text, guidance, severity,
min_elaboration), answers, elaborations, evidence and the project are copied unchanged, and
there is one sketch rule per airisk rule. Rules the sketch cannot express become the
nearest one of the same cost:

  answer: [..]                     -> answer_in: [..]
  elaboration-matches (ignore-case) -> elaboration_matches with an inline (?i)
  elaboration-shorter-than         -> elaboration_shorter_than
  elaboration-not-matches          -> elaboration_matches (same regex, not negated)
  evidence-missing, placeholder,
  missing (with or without answer) -> answer_in of the test's answers, else [N]
  all / any / not                  -> the conversion of their first test

So both programs parse, validate and render the same questions and answers and evaluate
the same number of rules; the findings differ a little (reported in docs/performance.md).
Deterministic: the same input gives byte-identical output.
"""
import os
import sys

import yaml

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def first_test(cond):
    while True:
        if "all" in cond:
            cond = cond["all"][0]
        elif "any" in cond:
            cond = cond["any"][0]
        elif "not" in cond:
            cond = cond["not"]
        else:
            return cond


def sketch_when(cond):
    test = first_test(cond)
    q = test["question"]
    ic = "(?i)" if test.get("ignore-case") else ""
    if "elaboration-matches" in test:
        return {"question": q, "elaboration_matches": ic + test["elaboration-matches"]}
    if "elaboration-not-matches" in test:
        return {"question": q, "elaboration_matches": ic + test["elaboration-not-matches"]}
    if "elaboration-shorter-than" in test:
        return {"question": q, "elaboration_shorter_than": test["elaboration-shorter-than"]}
    return {"question": q, "answer_in": list(test.get("answer") or ["N"])}


def main(argv):
    if len(argv) != 3:
        sys.exit(__doc__.splitlines()[2])
    src, dst = argv[1], argv[2]
    with open(os.path.join(src, "checklist.yaml"), "rb") as f:
        cl = yaml.load(f, Loader=Loader)
    with open(os.path.join(src, "answers.yaml"), "rb") as f:
        doc = yaml.load(f, Loader=Loader)
    sections = [{"id": s["id"], "title": s["title"],
                 "questions": [{"id": q["id"], "question": q["question"], "guidance": q["guidance"],
                                "severity": q["severity"], "min_elaboration": q.get("min-elaboration", 20)}
                               for q in s["questions"]]}
                for s in cl["sections"]]
    rules = [{"id": r["id"], "when": sketch_when(r["when"]), "severity": r["severity"],
              "finding": r["finding"], "recommendation": r["recommendation"]}
             for r in cl.get("rules") or []]
    checklist = {"id": cl["id"], "version": cl["version"], "title": cl["title"],
                 "sections": sections, "rules": rules}
    answers = {qid: {"answer": a["answer"], "elaboration": a["elaboration"],
                     "evidence": list(a.get("evidence") or [])}
               for qid, a in doc["answers"].items()}
    out = {"checklist": cl["id"], "project": doc["project"], "answers": answers}
    os.makedirs(dst, exist_ok=True)
    opts = dict(Dumper=Dumper, allow_unicode=True, sort_keys=False, default_flow_style=False, width=100)
    with open(os.path.join(dst, "checklist.yaml"), "w", encoding="utf-8") as f:
        yaml.dump(checklist, f, **opts)
    with open(os.path.join(dst, "answers.yaml"), "w", encoding="utf-8") as f:
        yaml.dump(out, f, **opts)
    print(f"wrote {dst}: {sum(len(s['questions']) for s in sections)} questions, {len(rules)} rules, "
          f"{len(answers)} answers (sketch format)", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv)
