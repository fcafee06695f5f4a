"""Allow ``python -m metstandards``.

``python -m`` puts the current directory first on ``sys.path``. Run inside the repository being
checked, that would let its modules shadow installed ones and make Python read any
``*.dist-info`` directory it holds, whose entry points name rules to import: code of the checked
repository, run by the checker. The directory is taken off the path before anything else loads.
"""

import os
import sys

if sys.path and os.path.abspath(sys.path[0] or os.curdir) == os.path.abspath(os.curdir):
    del sys.path[0]

from metstandards.cli import main

main()
