"""python -m sanlv: the same as the sanlv command."""

from .cli import main

main()
