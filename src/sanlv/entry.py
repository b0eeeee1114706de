"""The `sanlv` command's entry point: signal handling first, then the CLI.

Kept tiny (standard library only, nothing of sanlv imported at module level) so that the
handlers are in place within milliseconds of start-up:

- SIGINT (Ctrl-C), SIGTERM and SIGHUP raise `Interrupted` in the main thread, so every
  ``finally`` runs: no partial output and no temporary files are left (SPEC section 3);
  further signals are ignored while the run cleans up and exits;
- an interruption at any point, even while the CLI is still being imported, ends with one
  Chinese line and exit code 128 + the signal number (130 for Ctrl-C, 143 for SIGTERM),
  never a traceback;
- text that the console's encoding cannot show (an emoji or a character outside GBK in a
  roster, on a Windows console or a redirected output in code page 936) becomes a
  replacement character instead of ending the run with UnicodeEncodeError.
"""

from __future__ import annotations

import signal
import sys

SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)
NAMES = {
    "SIGINT": "已中断",
    "SIGTERM": "已被终止（收到 SIGTERM）",
    "SIGHUP": "已中断（终端已关闭）",
}


class Interrupted(KeyboardInterrupt):
    """A signal turned into an exception (a KeyboardInterrupt, so code that cleans up on
    Ctrl-C cleans up on SIGTERM too)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _raise(signum: int, _frame: object) -> None:
    ignore_signals()  # let the cleanup that follows finish
    raise Interrupted(signum)


def install_signal_handlers() -> None:
    for sig in SIGNALS:
        signal.signal(sig, _raise)


def ignore_signals() -> None:
    for sig in SIGNALS:
        signal.signal(sig, signal.SIG_IGN)


def exit_code(exc: BaseException) -> int:
    """128 + the signal number (130 for Ctrl-C)."""
    return 128 + getattr(exc, "signum", int(signal.SIGINT))


def interrupted_message(exc: BaseException) -> str:
    """One Chinese line for an interrupted run."""
    try:
        name = signal.Signals(getattr(exc, "signum", signal.SIGINT)).name
    except ValueError:
        name = "SIGINT"
    return f"错误：{NAMES.get(name, '已中断')}，未写出任何不完整的文件。"


def tolerate_unencodable() -> None:
    """Human text on stdout and stderr degrades (a replacement character such as "?") where
    the stream's encoding lacks a character. JSON is written as UTF-8 bytes and is not
    affected (sanlv.cli.commands.print_json)."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="replace")
            except (ValueError, OSError):  # a closed or detached stream
                pass


def main() -> None:
    install_signal_handlers()
    tolerate_unencodable()
    code: int | str | None = 0
    try:
        from .cli import main as cli_main

        cli_main()
    except SystemExit as exc:
        code = exc.code
    except KeyboardInterrupt as exc:  # before the CLI's own handling was in place
        ignore_signals()
        try:
            sys.stderr.write(interrupted_message(exc) + "\n")
            sys.stderr.flush()
        except Exception:  # stderr may be gone (SIGHUP of the terminal)
            pass
        code = exit_code(exc)
    ignore_signals()  # the run is over: the interpreter's exit is not interrupted
    sys.exit(code)
