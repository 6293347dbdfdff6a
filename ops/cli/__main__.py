"""``python -m ops.cli``: the ``kycledger`` command."""

import sys

from ops.cli import main

sys.exit(main())
