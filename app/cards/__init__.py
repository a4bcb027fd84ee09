"""Character cards in the community's formats (V1, V2, V3 as JSON, PNG and CHARX) and what they carry.

The core of card handling, without Qt: ``formats`` normalizes any version to a V3-shaped object,
``png_chunks`` and ``charx`` read and write the containers, ``files`` ties them to paths, and ``macros``,
``examples`` and ``lorebook`` turn card fields into prompt text as SillyTavern-style front-ends do.
"""
