"""Document type and issuing country from what was read: the MRZ document code (ICAO 9303), the
AAMVA record, else keywords printed on the document. The basis is recorded with the result."""

from __future__ import annotations

from collections.abc import Sequence

from domain.documents.aamva_fields import LicenceData
from domain.documents.countries import is_known_state, iso_alpha3
from domain.documents.mrz import MrzRecord
from domain.ports.document import DetectedDocument, DocumentType

_KEYWORDS = ((DocumentType.RESIDENCE_PERMIT, ("RESIDENCE PERMIT", "TITRE DE SEJOUR", "AUFENTHALTSTITEL")),
             (DocumentType.PASSPORT, ("PASSPORT", "PASSEPORT", "REISEPASS", "PASAPORTE")),
             (DocumentType.DRIVER_LICENSE, ("DRIVER LICENSE", "DRIVER'S LICENSE", "DRIVING LICENCE",
                                            "PERMIS DE CONDUIRE", "FUHRERSCHEIN")),
             (DocumentType.ID_CARD, ("IDENTITY CARD", "CARTE D'IDENTITE", "CARTE NATIONALE D'IDENTITE",
                                     "PERSONALAUSWEIS", "TRAVEL DOCUMENT")))


def _from_mrz(mrz: MrzRecord) -> DocumentType:
    code = mrz.document_code
    if code.startswith("P"):
        return DocumentType.PASSPORT
    if code.startswith("V"):
        # A visa (MRV-A/B) says who may travel, not who someone is: typed as such, so a session that
        # accepts identity documents only refuses it by its type (policies.rules.document_acceptance_gate).
        return DocumentType.VISA
    if code[:1] in ("I", "A", "C") and code[1:2] == "R":
        return DocumentType.RESIDENCE_PERMIT
    return DocumentType.ID_CARD


def classify(mrz: MrzRecord | None, licence: LicenceData | None, text: Sequence[str]) -> DetectedDocument:
    if mrz is not None:
        confidence = 0.98 if mrz.check_digits_valid else 0.7
        country = iso_alpha3(mrz.issuing_state) if is_known_state(mrz.issuing_state) else None
        confidence -= 0.02 * len(mrz.repaired)  # every OCR repair is a reading that needed help
        return DetectedDocument(_from_mrz(mrz), country, round(confidence, 3), "mrz")
    if licence is not None:
        kind = DocumentType.ID_CARD if licence.document_type == "ID" else DocumentType.DRIVER_LICENSE
        return DetectedDocument(kind, licence.country, 0.95, "barcode")
    upper = " ".join(text).upper()
    for kind, words in _KEYWORDS:
        if any(w in upper for w in words):
            return DetectedDocument(kind, None, 0.5, "text")
    return DetectedDocument(DocumentType.OTHER, None, 0.2, "text")
