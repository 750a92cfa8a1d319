"""HiGHS's IIS search in a child process that the parent can stop.

`getIis` does not honour HiGHS's `time_limit` in every phase (deletion filtering on a large
plan ran for 19 minutes), so the parent writes the LP to an MPS file, runs this module on it
and kills it at the limit. Row and column order survive the MPS round trip, so the indices
written back map onto the parent's rows and columns.

    python -m energysim.solve.iis_child MODEL.mps OUT.json TIME_LIMIT STRATEGY
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import highspy

GRACE = 2.0  # seconds for the child to start, read the MPS and write its answer


@dataclass(frozen=True)
class IisIndices:
    rows: list[int]
    columns: list[int]
    bounds: list[int]


def iis_in_child(highs: highspy.Highs, time_limit: float, strategy: int) -> IisIndices | None:
    """The IIS of the LP held by `highs`, or None if none was found before `time_limit` s
    (the child is killed then)."""
    with tempfile.TemporaryDirectory(prefix="energysim-iis-") as folder:
        mps, out = Path(folder) / "model.mps", Path(folder) / "iis.json"
        highs.setOptionValue("output_flag", False)
        if highs.writeModel(str(mps)) == highspy.HighsStatus.kError:
            return None
        command = child_command(mps, out, time_limit, strategy)
        try:
            subprocess.run(
                command,
                timeout=max(time_limit, 0.1) + GRACE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                check=False,
            )  # on timeout, subprocess.run kills the child and waits for it
        except subprocess.TimeoutExpired:
            return None
        if not out.is_file():
            return None
        answer = json.loads(out.read_text(encoding="utf-8"))
    lp = highs.getLp()
    if not answer["valid"] or (answer["num_row"], answer["num_col"]) != (lp.num_row_, lp.num_col_):
        return None
    return IisIndices(answer["rows"], answer["columns"], answer["bounds"])


def child_command(mps: Path, out: Path, time_limit: float, strategy: int) -> list[str]:
    """The child's command line (a test replaces it by one that never answers)."""
    args = [str(mps), str(out), repr(float(time_limit)), str(int(strategy))]
    return [sys.executable, "-m", "energysim.solve.iis_child", *args]


def main(argv: list[str]) -> int:
    mps, out, limit, strategy = argv[0], Path(argv[1]), float(argv[2]), int(argv[3])
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    if highs.readModel(mps) == highspy.HighsStatus.kError:
        return 1
    highs.setOptionValue("iis_strategy", strategy)
    highs.setOptionValue("time_limit", limit)
    status, iis = highs.getIis()
    lp = highs.getLp()
    answer = {
        "valid": bool(status != highspy.HighsStatus.kError and iis.valid_),
        "rows": [int(i) for i in iis.row_index_],
        "columns": [int(j) for j in iis.col_index_],
        "bounds": [int(b) for b in iis.col_bound_],
        "num_row": int(lp.num_row_),
        "num_col": int(lp.num_col_),
    }
    temporary = out.with_suffix(".tmp")
    temporary.write_text(json.dumps(answer), encoding="utf-8")
    os.replace(temporary, out)  # the parent sees the whole answer or none
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
