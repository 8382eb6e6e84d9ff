#!/usr/bin/env python
"""Development convenience; the installed ``yiwang`` command is the same thing."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))

from yiwang.manage import main  # noqa: E402

if __name__ == "__main__":
    main()
