"""Address-proof adapter: the printed text of an address document, read with the shared rapidocr engine."""
