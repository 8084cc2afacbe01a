"""``python -m tandem_matching``: the same as the ``tandem-matching`` executable."""

from tandem_matching.entry import main

main()
