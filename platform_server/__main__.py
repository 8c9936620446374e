import sys

from platform_server.cli import main

sys.exit(main())
