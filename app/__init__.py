"""Persona Tutor: offline role-play tutors on a local GGUF model."""

__version__ = "0.1.0"
