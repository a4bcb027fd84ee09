"""The bundle's entry script: the same ``persona-tutor`` command as the installed console script."""

from app.cli import main

raise SystemExit(main())
