"""``python -m postmark``: the same as the ``postmark`` command."""

import sys

from postmark.cli import main

sys.exit(main())
