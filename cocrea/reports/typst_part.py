"""One part of a long PDF, typeset in a process of its own (see :func:`.printing.typeset_long`).

    python -m cocrea.reports.typst_part SOURCE < data.json > part.pdf

Reads the data (JSON) on standard input and writes the PDF of ``reports/typst/SOURCE`` on
standard output. It imports Typst alone, not Django, so that the process starts fast; when it
ends, the memory Typst kept of the layout goes with it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typst

HERE = Path(__file__).resolve().parent


def main() -> int:
    if len(sys.argv) != 2 or "/" in sys.argv[1] or not sys.argv[1].endswith(".typ"):
        sys.stderr.write("usage: python -m cocrea.reports.typst_part SOURCE.typ < data.json\n")
        return 2
    compiler = typst.Compiler(
        HERE / "typst" / sys.argv[1],
        root=HERE / "typst",
        font_paths=[HERE / "fonts"],
        ignore_system_fonts=True,
    )
    try:
        pdf = compiler.compile(
            format="pdf", sys_inputs={"data": sys.stdin.buffer.read().decode()}, pdf_tags=False
        )
    except typst.TypstError as error:
        sys.stderr.write(f"{sys.argv[1]}: {error.message}\n{error.diagnostic}\n")
        return 1
    if not isinstance(pdf, bytes):
        return 1
    sys.stdout.buffer.write(pdf)
    sys.stderr.write(f"peak_kb={_peak_kb()}\n")  # for bench/report.py
    return 0


def _peak_kb() -> int:
    """This process's peak resident memory (Linux; 0 elsewhere)."""
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration, ValueError):
        return 0


if __name__ == "__main__":
    sys.exit(main())
