"""Adapter errors with stable codes."""

from __future__ import annotations

from domain.errors import DomainError


class ModelMissingError(DomainError):
    """A model file is not installed; the message names the model and the install step."""

    code = "model_missing"


class ImageUnreadableError(DomainError):
    """The bytes are not an image OpenCV can decode (or the image is empty)."""

    code = "document_image_unreadable"
