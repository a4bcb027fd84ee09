"""The Qt front-end: a thin layer of widgets and workers over the core in ``app``."""
