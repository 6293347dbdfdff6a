"""Importers on small files written in each official layout, hostile XML refused, the loader's
discovery and fingerprint. (The real list files are parsed in tests/integration/screening.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.ports.screening import EntityKind, NameKind, WatchlistFormatError
from domain.screening_rules import ListedBirthDate
from ml.screening.loader import load_watchlists
from ml.screening.ofac import OfacSdnImporter, parse_birth_dates, parse_countries
from ml.screening.un_xml import UnConsolidatedImporter, parse_safe_xml
from ml.screening.us_csl import ConsolidatedScreeningListImporter

pytestmark = pytest.mark.unit

SDN = (
    '101,"ROE, Jane Quinn","individual","SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,'
    '"DOB 02 Mar 1971; alt. DOB circa 1975; nationality Syria; citizen Iraq; a.k.a. \'JQ ROE\'."\n'
    '202,"ACME SHIPPING LLC",-0- ,"IRAN] [SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n'
)
ALT = '101,900,"aka","ROE, Janet",-0- \n303,901,"fka","ORPHAN TRADING",-0- \n'
ADD = '101,50,-0- ,"Damascus","Syria",-0- \n'
UN_XML = """<?xml version="1.0" encoding="UTF-8"?>
<CONSOLIDATED_LIST dateGenerated="2026-01-01T00:00:00Z">
 <INDIVIDUALS><INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>ERIC</FIRST_NAME><SECOND_NAME>BADEGE</SECOND_NAME>
  <UN_LIST_TYPE>DRC</UN_LIST_TYPE><REFERENCE_NUMBER>CDi.001</REFERENCE_NUMBER>
  <NATIONALITY><VALUE>Democratic Republic of the Congo</VALUE><VALUE>na</VALUE></NATIONALITY>
  <INDIVIDUAL_ALIAS><QUALITY>Low</QUALITY><ALIAS_NAME>Badege</ALIAS_NAME></INDIVIDUAL_ALIAS>
  <INDIVIDUAL_ALIAS><QUALITY/><ALIAS_NAME/></INDIVIDUAL_ALIAS>
  <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT</TYPE_OF_DATE><YEAR>1971</YEAR></INDIVIDUAL_DATE_OF_BIRTH>
  <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>BETWEEN</TYPE_OF_DATE><FROM_YEAR>1973</FROM_YEAR>
   <TO_YEAR>1974</TO_YEAR></INDIVIDUAL_DATE_OF_BIRTH>
 </INDIVIDUAL></INDIVIDUALS>
 <ENTITIES><ENTITY><DATAID>2</DATAID><FIRST_NAME>THE HOUTHIS</FIRST_NAME><UN_LIST_TYPE>Yemen</UN_LIST_TYPE>
  <REFERENCE_NUMBER>YEe.001</REFERENCE_NUMBER>
  <ENTITY_ALIAS><QUALITY>a.k.a.</QUALITY><ALIAS_NAME>ANSARALLAH</ALIAS_NAME></ENTITY_ALIAS>
 </ENTITY></ENTITIES>
</CONSOLIDATED_LIST>
"""
CSL_HEADER = ("_id,source,entity_number,type,programs,name,title,addresses,alt_names,citizenships,"
              "dates_of_birth,nationalities\n")
CSL_ROW = ('"abc","Specially Designated Nationals (SDN) - Treasury Department","52291","Individual","NPWMD",'
           '"RIM, Ryong Nam","","","Ryong-nam Rim; R. N. Rim","","1978-12-05","KP"\n')


def write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


def test_ofac_rows_aliases_remarks_and_orphan_aliases(tmp_path: Path) -> None:
    write(tmp_path, {"sdn.csv": SDN, "alt.csv": ALT, "add.csv": ADD})
    entries = {e.entry_id: e for e in OfacSdnImporter().load(tmp_path)}
    roe = entries["101"]
    assert roe.kind is EntityKind.INDIVIDUAL
    assert [(n.text, n.kind) for n in roe.names] == [
        ("ROE, Jane Quinn", NameKind.PRIMARY), ("ROE, Janet", NameKind.ALIAS), ("JQ ROE", NameKind.ALIAS)]
    assert roe.birth_dates == (ListedBirthDate(1971, 1971, 3, 2), ListedBirthDate(1975, 1975, approximate=True))
    assert roe.nationalities == ("SYR", "IRQ")
    assert roe.address_countries == ("SYR",)
    assert entries["202"].kind is EntityKind.ENTITY
    assert entries["202"].programs == ("IRAN", "SDGT")
    assert entries["303"].kind is EntityKind.UNKNOWN  # alias whose SDN row is not in the file
    assert entries["303"].names[0].text == "ORPHAN TRADING"


def test_ofac_remark_parsers_read_ranges_and_ignore_unknown_countries() -> None:
    assert parse_birth_dates("DOB 1960 to 1962") == (ListedBirthDate(1960, 1962),)
    assert parse_birth_dates("DOB Jul 1963") == (ListedBirthDate(1963, 1963, 7),)
    assert parse_countries("nationality Atlantis; citizen Russia") == ("RUS",)


def test_ofac_rejects_a_folder_without_sdn_and_rows_in_another_layout(tmp_path: Path) -> None:
    with pytest.raises(WatchlistFormatError):
        OfacSdnImporter().load(tmp_path)
    write(tmp_path, {"sdn.csv": "1,only two columns\n"})
    with pytest.raises(WatchlistFormatError) as caught:
        OfacSdnImporter().load(tmp_path)
    assert caught.value.code == "watchlist_format_invalid"


def test_un_individuals_entities_aliases_dates_and_nationalities(tmp_path: Path) -> None:
    path = tmp_path / "un.xml"
    path.write_text(UN_XML, encoding="utf-8")
    eric, houthis = UnConsolidatedImporter().load(path)
    assert (eric.entry_id, eric.kind, eric.programs) == ("CDi.001", EntityKind.INDIVIDUAL, ("DRC",))
    assert [(n.text, n.quality) for n in eric.names] == [("ERIC BADEGE", ""), ("Badege", "Low")]
    assert eric.birth_dates == (ListedBirthDate(1971, 1971), ListedBirthDate(1973, 1974, approximate=True))
    assert eric.nationalities == ("COD",)  # "na" is "not available", not Namibia
    assert [n.text for n in houthis.names] == ["THE HOUTHIS", "ANSARALLAH"]
    assert houthis.kind is EntityKind.ENTITY


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<CONSOLIDATED_LIST>&lol2;</CONSOLIDATED_LIST>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><CONSOLIDATED_LIST>&xxe;</CONSOLIDATED_LIST>"""


@pytest.mark.parametrize(
    "data",
    [BILLION_LAUGHS, EXTERNAL_ENTITY, b'<?xml version="1.0" encoding="UTF-16"?><CONSOLIDATED_LIST/>',
     b"<CONSOLIDATED_LIST>\xff</CONSOLIDATED_LIST>", b"<CONSOLIDATED_LIST><unclosed></CONSOLIDATED_LIST>"],
    ids=["billion-laughs", "external-entity", "declared-utf16", "not-utf8", "malformed"],
)
def test_hostile_or_broken_xml_is_refused(data: bytes) -> None:
    with pytest.raises(WatchlistFormatError):
        parse_safe_xml(data, "test.xml")


def test_un_importer_refuses_other_xml_documents(tmp_path: Path) -> None:
    path = tmp_path / "other.xml"
    path.write_text("<rss/>", encoding="utf-8")
    with pytest.raises(WatchlistFormatError):
        UnConsolidatedImporter().load(path)


def test_csl_rows_use_entity_number_split_aliases_and_read_codes(tmp_path: Path) -> None:
    path = tmp_path / "consolidated.csv"
    path.write_text(CSL_HEADER + CSL_ROW, encoding="utf-8")
    (rim,) = ConsolidatedScreeningListImporter().load(path)
    assert rim.list_name == "US CSL: Specially Designated Nationals (SDN) - Treasury Department"
    assert rim.entry_id == "52291"
    assert [n.text for n in rim.names] == ["RIM, Ryong Nam", "Ryong-nam Rim", "R. N. Rim"]
    assert rim.birth_dates == (ListedBirthDate(1978, 1978, 12, 5),)
    assert rim.nationalities == ("PRK",)


def test_csl_without_its_columns_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "consolidated.csv"
    path.write_text("_id,name\n1,x\n", encoding="utf-8")
    with pytest.raises(WatchlistFormatError):
        ConsolidatedScreeningListImporter().load(path)


def test_loader_finds_every_format_and_fingerprints_the_snapshot(tmp_path: Path) -> None:
    write(tmp_path, {"ofac/sdn.csv": SDN, "ofac/alt.csv": ALT, "un/list.xml": UN_XML,
                     "csl/consolidated.csv": CSL_HEADER + CSL_ROW})
    first = load_watchlists(tmp_path)
    assert {e.list_name.split(":")[0] for e in first.entries} == {"OFAC SDN", "UN", "US CSL"}
    assert len(first.provenance.weights_sha256) == 64
    assert load_watchlists(tmp_path).provenance == first.provenance
    (tmp_path / "ofac" / "alt.csv").write_text(ALT + '101,902,"aka","ROE, J.",-0- \n', encoding="utf-8")
    assert load_watchlists(tmp_path).provenance.weights_sha256 != first.provenance.weights_sha256


def test_loader_refuses_a_folder_without_lists(tmp_path: Path) -> None:
    with pytest.raises(WatchlistFormatError):
        load_watchlists(tmp_path)
    with pytest.raises(WatchlistFormatError):
        load_watchlists(tmp_path / "missing")
