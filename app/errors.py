"""The two kinds of failure: problems the user can fix (a clear message) and bugs (everything else)."""


class PersonaTutorError(Exception):
    """An environment or input problem with a message meant for the user (missing file, bad card, disk full)."""


class ModelError(PersonaTutorError):
    """A model file is missing, corrupt, or cannot be loaded by llama.cpp."""


class StarterModelError(ModelError):
    """The starter model could not be assembled from its chunk packages."""


class PersonaError(PersonaTutorError):
    """A persona card is missing or malformed."""


class StoreError(PersonaTutorError):
    """The conversation database cannot be opened or written."""


class RemoteBackendError(PersonaTutorError):
    """A chat server cannot be reached, refuses the request, or answers with something unusable."""
