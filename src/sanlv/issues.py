"""Problems as data: the issue record every stage yields, and the one exception for inputs
that cannot be read at all."""

from __future__ import annotations

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"
INFO = "info"
SEVERITIES = (ERROR, WARNING, INFO)
SEVERITY_ORDER = {ERROR: 0, WARNING: 1, INFO: 2}
SEVERITY_LABELS = {ERROR: "错误", WARNING: "警告", INFO: "提示"}


@dataclass(slots=True)
class Issue:
    code: str
    severity: str
    message: str
    file: str = ""
    sheet: str = ""
    row: int | None = None
    column: str = ""
    cell: str = ""
    value: str = ""
    hint: str = ""

    def to_dict(self) -> dict:
        # Spelled out: dataclasses.asdict deep-copies and is ~10x slower on 100k issues.
        return {
            "code": self.code,
            "severity": self.severity,
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "cell": self.cell,
            "value": self.value,
            "message": self.message,
            "hint": self.hint,
        }


class InputError(Exception):
    """An input that cannot be read at all. `message` is one Chinese line for the user."""

    def __init__(self, code: str, message: str, file: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.file = file

    def to_issue(self) -> Issue:
        return Issue(self.code, ERROR, self.message, file=self.file)


class UsageError(InputError):
    """A bad option, option value or combination of options (exit 2, one Chinese line)."""

    def __init__(self, message: str) -> None:
        super().__init__("usage", message)


def col_letter(index: int) -> str:
    """0-based column index -> Excel column letters (0 -> A, 27 -> AB)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
