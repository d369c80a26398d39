"""Start de commandoregel: `python -m model_utils --help`."""

import sys

from .cli import main

sys.exit(main())
