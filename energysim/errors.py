"""Errors a user can act on: every problem located by file, line, column and field path."""

from __future__ import annotations

from dataclasses import dataclass

# Exit codes of every command: 0 ok, 1 solver or internal error, 2 bad input, 3 infeasible.
EXIT_INTERNAL, EXIT_INPUT, EXIT_INFEASIBLE = 1, 2, 3


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in an input file, located as precisely as the file allows."""

    file: str
    line: int
    column: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        return f"{where}  {self.path}: {self.message}" if self.path else f"{where}  {self.message}"


class InputError(Exception):
    """Bad input: one or more problems, all collected before raising (CLI exit code 2)."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        super().__init__(self.report())

    def report(self) -> str:
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} found:"
        return "\n".join([head, *(f"  {p}" for p in self.problems)])


class OutputError(Exception):
    """A results file that cannot be written (full disk, size limit, read-only folder): one
    message naming the file, no traceback (CLI exit code 1)."""

    def __init__(self, path: object, reason: str):
        self.path, self.reason = str(path), reason
        super().__init__(self.report())

    def report(self) -> str:
        return f"cannot write {self.path}: {self.reason}. Nothing was written there."
