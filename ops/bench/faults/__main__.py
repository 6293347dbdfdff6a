"""``python -m ops.bench.faults``: see ``ops.bench.faults.run``."""

import sys

from ops.bench.faults.run import main

sys.exit(main())
