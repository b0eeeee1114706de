"""Import sanlv before any test module imports openpyxl, so that openpyxl is configured as
it is in the `sanlv` command (see sanlv/__init__.py: no lxml for openpyxl)."""

import sanlv  # noqa: F401
