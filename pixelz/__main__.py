"""``python -m pixelz``: the ``pixelz`` command line."""

import sys

from pixelz.cli import main

if __name__ == "__main__":
    sys.exit(main())
