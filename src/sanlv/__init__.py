"""sanlv (三率): checks property-management rosters and reports the three rates."""

# Nothing is imported here at run time (not even typing): the `sanlv` command's entry
# (sanlv.entry) installs its signal handling before anything else, and this package is
# imported first.
import os as _os  # already loaded by the interpreter at start-up

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .issues import InputError

__version__ = "0.1.0"

# python-docx (for `sanlv brief`) brings lxml, and openpyxl switches to lxml whenever it is
# installed. Keep openpyxl on the standard library with defusedxml, as without lxml: entity
# declarations refused with a DefusedXmlException, and a full disk an OSError (exit 2, not
# lxml's SerialisationError). It takes effect when sanlv is imported before openpyxl (always
# for the `sanlv` command); a caller may set OPENPYXL_LXML itself.
_os.environ.setdefault("OPENPYXL_LXML", "False")

__all__ = ["InputError", "__version__"]


def __getattr__(name: str) -> object:
    if name == "InputError":
        from .issues import InputError

        return InputError
    raise AttributeError(f"module 'sanlv' has no attribute {name!r}")
