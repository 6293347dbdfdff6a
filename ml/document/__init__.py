"""Document adapters: OpenCV detection/rectification and quality, rapidocr OCR, zxing-cpp
PDF417, YuNet portrait crop and classical forensic signals, behind ``domain.ports.document``."""
