"""``python -m gdviz`` does what the ``gdviz`` command does."""

import sys

from gdviz.cli import main

sys.exit(main())
