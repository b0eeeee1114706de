"""sanlv (三率): checks property-management rosters and reports the three rates."""

# Nothing is imported here at run time (not even typing): the `sanlv` command's entry
# (sanlv.entry) installs its signal handling before anything else, and this package is
# imported first.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from .issues import InputError

__version__ = "0.1.0"

__all__ = ["InputError", "__version__"]


def __getattr__(name: str) -> object:
    if name == "InputError":
        from .issues import InputError

        return InputError
    raise AttributeError(f"module 'sanlv' has no attribute {name!r}")
