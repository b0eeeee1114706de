"""python -m sanlv: the same as the sanlv command."""

from .entry import main

main()
