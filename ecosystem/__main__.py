import sys

from ecosystem.cli import main

sys.exit(main())
