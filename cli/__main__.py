"""``python -m cli``: the ``factbot`` command."""

import sys

from cli.main import main

sys.exit(main())
