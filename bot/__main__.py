"""Allow ``python -m bot`` as well as the ``attune`` console script."""

from bot.cli import main

raise SystemExit(main())
