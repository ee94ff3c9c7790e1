"""Run the wizard from a terminal: `python3 -m wizard --help`."""

import sys

from wizard.cli import main

sys.exit(main())
