"""Media intake (``domain.ports.media``): Pillow for images, OpenCV for videos, msgpack for liveness frames."""

from adapters.media.frames import MsgpackLivenessFramesCodec
from adapters.media.opencv_video import OpenCvVideoSampler, sniff_video
from adapters.media.pillow_images import PillowImageSanitizer, sniff_image

__all__ = ["MsgpackLivenessFramesCodec", "OpenCvVideoSampler", "PillowImageSanitizer", "sniff_image",
           "sniff_video"]
