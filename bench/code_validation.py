"""How long the check on save (clips.code_validation) takes.

    .venv/bin/python bench/code_validation.py [--runs 500] [--kb 20]

Validates a realistic clip of about --kb KB (the demo clips' components, renamed and
composed by one default export, as a long generated clip looks) and each demo clip,
--runs times each after a warm-up, and prints the median and p99 latency (wall clock) and
the median CPU time. The goal is
"well under 50 ms" for 20 KB: the check runs in the request, on every save. Not part of
the tests.
"""
import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from clips.code_validation import code_problem  # noqa: E402
from clips.demo import DEMO_CLIPS  # noqa: E402

IMPORTS = (
    "import React from 'react';\n"
    "import {AbsoluteFill, Sequence, interpolate, spring, useCurrentFrame, useVideoConfig} from 'remotion';\n"
)
DECLARED = re.compile(r"^(?:export default )?(?:function|const) ([A-Z][A-Za-z_]*)", re.M)


def realistic_clip(kilobytes):
    """The demo clips' bodies, each copy's top-level names suffixed, sequenced by one default export."""
    parts, names = [IMPORTS], []
    copy = 0
    while sum(len(p.encode()) for p in parts) < kilobytes * 1024:
        for clip in DEMO_CLIPS:
            body = "\n".join(line for line in clip.code.splitlines() if not line.startswith("import "))
            declared = set(DECLARED.findall(body))
            body = re.sub(r"\b(" + "|".join(declared) + r")\b", lambda m: f"{m.group(1)}{copy}", body)
            body = body.replace("export default function", "function")
            names.extend(f"{name}{copy}" for name in declared if re.search(rf"function {name}{copy}\(", body))
            parts.append(body)
            copy += 1
    scenes = "\n".join(
        f"      <Sequence from={{{i * 30}}} durationInFrames={{30}}><{name} /></Sequence>"
        for i, name in enumerate(names)
    )
    parts.append(
        f"export default function Long() {{\n  return (\n    <AbsoluteFill>\n{scenes}\n"
        "    </AbsoluteFill>\n  );\n}\n"
    )
    return "\n".join(parts)


def measure(code, runs):
    problem = code_problem(code)
    if problem:
        raise SystemExit(f"The benchmark clip is refused, fix the bench: {problem}")
    wall, cpu = [], []
    for _ in range(runs):
        began, began_cpu = time.perf_counter(), time.process_time()
        code_problem(code)
        wall.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - began_cpu) * 1000)
    wall.sort()
    return statistics.median(wall), wall[min(len(wall) - 1, int(len(wall) * 0.99))], statistics.median(cpu)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=500)
    parser.add_argument("--kb", type=int, default=20)
    args = parser.parse_args()

    cases = [(f"realistic {args.kb} KB clip", realistic_clip(args.kb))]
    cases += [(f"demo: {clip.name}", clip.code) for clip in DEMO_CLIPS]
    # CPU time too: on a shared machine the wall figures include waiting for a core.
    print(f"{args.runs} runs each, after one warm-up run; load average {os.getloadavg()[0]:.1f}")
    for label, code in cases:
        median, p99, cpu = measure(code, args.runs)
        print(
            f"{label:28} {len(code.encode()):6d} bytes  wall median {median:6.2f} ms  p99 {p99:6.2f} ms"
            f"  CPU median {cpu:6.2f} ms"
        )


if __name__ == "__main__":
    main()
