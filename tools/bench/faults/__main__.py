"""``python -m tools.bench.faults``: see ``tools.bench.faults.run``."""

import sys

from tools.bench.faults.run import main

sys.exit(main())
