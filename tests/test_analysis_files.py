"""The gender-impact analysis' downloads (issue 17): the consequence section as .docx and .odt,
read back with python-docx and as OpenDocument XML, and the analysis as the kit's JSON."""

from __future__ import annotations

import io
import json
import zipfile
import xml.etree.ElementTree as ET

import docx
import pytest
from docx.oxml.ns import qn

from kit.io.readers import KIT_FORMAT, KIT_FORMAT_VERSION
from kit.modules.analysis import files as f

NS = {"office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
      "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
      "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
      "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
      "dc": "http://purl.org/dc/elements/1.1/"}
TEXT_NS = "{%s}" % NS["text"]

SECTION = ("Förslaget har analyserats utifrån vad det betyder för kvinnor och män.\n\n"
           "Väntetid till särskilt boende (80+). 2024: kvinnor 59,4 dagar, män 50,0 dagar.\n"
           "Skillnaden bedöms som stor.\n\n"
           "Det saknas:\n"
           "– individbaserad statistik uppdelad på kön;\n"
           "- förslag på åtgärder;\n"
           "• en tidsplan.\n\n\n"
           "Åtgärder: Se över rutinerna.")

CONTROL = "".join(chr(c) for c in (*range(0x00, 0x09), 0x0b, 0x0c, *range(0x0e, 0x20), 0x7f, 0x85, 0x9f))
HOSTILE = ["<script>alert(1)</script>", '=HYPERLINK("http://x","klicka")', "{x} {{y}} {0!r}",
           "$\\alpha$ och $x^2$", "&amp; &lt;b&gt;", "@SUM(A1) +1 -1"]


# -- reading back -------------------------------------------------------------------------
def docx_doc(data: bytes):
    assert data[:2] == b"PK"
    return docx.Document(io.BytesIO(data))


def docx_blocks(doc) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in doc.paragraphs]


def docx_lang(doc) -> dict:
    normal = doc.styles["Normal"].element.rPr.find(qn("w:lang")).get(qn("w:val"))
    default = doc.styles.element.find(qn("w:docDefaults")).find(".//" + qn("w:lang")).get(qn("w:val"))
    return {"normal": normal, "default": default, "core": doc.core_properties.language}


def odt_parts(data: bytes) -> dict:
    assert data[:2] == b"PK"
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.namelist()[0] == "mimetype"
        assert z.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
        assert z.read("mimetype") == f.ODT.encode()
        manifest = z.read("META-INF/manifest.xml")
        assert b"content.xml" in manifest and b"styles.xml" in manifest
        return {name: ET.fromstring(z.read(name)) for name in ("content.xml", "styles.xml", "meta.xml")}


def odt_text(node) -> str:
    """The text of an element as a reader sees it: line breaks, tabs and runs of spaces."""
    out = [node.text or ""]
    for child in node:
        tag = child.tag.removeprefix(TEXT_NS)
        if tag == "line-break":
            out.append("\n")
        elif tag == "tab":
            out.append("\t")
        elif tag == "s":
            out.append(" " * int(child.get(TEXT_NS + "c", "1")))
        else:
            out.append(odt_text(child))
        out.append(child.tail or "")
    return "".join(out)


def odt_blocks(parts) -> list[tuple]:
    body = parts["content.xml"].find("office:body/office:text", NS)
    out = []
    for node in body:
        tag = node.tag.removeprefix(TEXT_NS)
        if tag == "h":
            out.append(("h", node.get(TEXT_NS + "outline-level"), odt_text(node)))
        elif tag == "p":
            out.append(("p", odt_text(node)))
        elif tag == "list":
            out.append(("list", [odt_text(p) for p in node.findall("text:list-item/text:p", NS)]))
    return out


def odt_language(parts) -> tuple[str, str]:
    default = parts["styles.xml"].find("office:styles/style:default-style[@style:family='paragraph']"
                                       "/style:text-properties", NS)
    return default.get("{%s}language" % NS["fo"]), default.get("{%s}country" % NS["fo"])


def odt_meta(parts, name: str):
    node = parts["meta.xml"].find(f"office:meta/dc:{name}", NS)
    return None if node is None else node.text


# -- the plain text's structure ------------------------------------------------------------
def test_blocks_read_paragraphs_line_breaks_and_lists():
    assert f.blocks(SECTION) == [
        ("p", ["Förslaget har analyserats utifrån vad det betyder för kvinnor och män."]),
        ("p", ["Väntetid till särskilt boende (80+). 2024: kvinnor 59,4 dagar, män 50,0 dagar.",
               "Skillnaden bedöms som stor."]),
        ("p", ["Det saknas:"]),
        ("list", ["individbaserad statistik uppdelad på kön;", "förslag på åtgärder;", "en tidsplan."]),
        ("p", ["Åtgärder: Se över rutinerna."])]
    # Windows and old Mac line ends, a dash without a space (a minus, not a bullet)
    assert f.blocks("a\r\n\r\nb\rc\n-1 grad\n--x") == [("p", ["a"]), ("p", ["b", "c", "-1 grad", "--x"])]
    assert f.blocks("") == f.blocks(None) == f.blocks("\n \n\t\n") == []


# -- Word -------------------------------------------------------------------------------------
def test_docx_has_heading_paragraphs_bullets_language_and_title():
    data = f.to_docx(f.SECTION_HEADING["sv"], SECTION, "sv", title="Riktlinjer för hemtjänst",
                     subject="Beslutsunderlag")
    doc = docx_doc(data)
    assert docx_blocks(doc) == [
        ("Heading 1", "Konsekvenser för kvinnor och män, flickor och pojkar"),
        ("Normal", "Förslaget har analyserats utifrån vad det betyder för kvinnor och män."),
        ("Normal", "Väntetid till särskilt boende (80+). 2024: kvinnor 59,4 dagar, män 50,0 dagar.\n"
                   "Skillnaden bedöms som stor."),
        ("Normal", "Det saknas:"),
        ("List Bullet", "individbaserad statistik uppdelad på kön;"),
        ("List Bullet", "förslag på åtgärder;"),
        ("List Bullet", "en tidsplan."),
        ("Normal", "Åtgärder: Se över rutinerna.")]
    heading = doc.paragraphs[0]
    assert heading.style.style_id == "Heading1"
    # the line break inside a paragraph is a real <w:br/>, the bullets a real (numbered) list
    assert doc.paragraphs[2]._p.findall(".//" + qn("w:br"))
    bullet = doc.styles["List Bullet"].element
    assert bullet.find(qn("w:pPr")).find(qn("w:numPr")) is not None
    assert docx_lang(doc) == {"normal": "sv-SE", "default": "sv-SE", "core": "sv-SE"}
    props = doc.core_properties
    assert (props.title, props.subject) == ("Riktlinjer för hemtjänst", "Beslutsunderlag")
    assert props.author == "" and "python-docx" not in (props.comments or "")
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # A4


def test_docx_title_defaults_to_the_heading_and_english_is_en_gb():
    doc = docx_doc(f.to_docx(f.SECTION_HEADING["en"], "One.\n\n– two", "en"))
    assert doc.core_properties.title == "Consequences for women and men, girls and boys"
    assert docx_lang(doc) == {"normal": "en-GB", "default": "en-GB", "core": "en-GB"}
    assert docx_blocks(doc)[1:] == [("Normal", "One."), ("List Bullet", "two")]


def test_docx_with_empty_text_has_the_heading_only():
    for text in ("", None, "\n\n  \n", "– \n- "):
        doc = docx_doc(f.to_docx("Konsekvenser", text))
        assert docx_blocks(doc) == [("Heading 1", "Konsekvenser")]
    # an empty heading is never an empty heading: the section's own name stands in
    doc = docx_doc(f.to_docx(" \x00 ", "", "en"))
    assert docx_blocks(doc) == [("Heading 1", f.SECTION_HEADING["en"])]


def test_docx_hostile_text_is_literal_and_control_characters_gone():
    long = "Långt stycke " + "å" * 20_000
    heading = "Rubrik\x00 <b>fet</b> =1+1 {x}\x0b\nrad två"
    text = "\n\n".join([*HOSTILE, f"a{CONTROL}b\ufffe\uffff c", long, "– " + HOSTILE[1]])
    data = f.to_docx(heading, text, title="=cmd|' /C calc'!A0\x07", subject="\x01{s}")
    doc = docx_doc(data)
    got = docx_blocks(doc)
    assert got[0] == ("Heading 1", "Rubrik <b>fet</b> =1+1 {x} rad två")
    assert [t for _, t in got[1:len(HOSTILE) + 1]] == HOSTILE
    assert got[len(HOSTILE) + 1] == ("Normal", "ab c")
    assert got[len(HOSTILE) + 2] == ("Normal", long)
    assert got[-1] == ("List Bullet", HOSTILE[1])
    assert doc.core_properties.title == "=cmd|' /C calc'!A0" and doc.core_properties.subject == "{s}"
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = z.read("word/document.xml")
    # escaped text, no field, no markup taken from the text
    assert b"&lt;script&gt;" in xml and b"<script" not in xml
    assert b"fldSimple" not in xml and b"instrText" not in xml and b"oMath" not in xml
    assert not any(chr(c).encode() in xml for c in range(0x00, 0x09))


# -- OpenDocument ------------------------------------------------------------------------------
def test_odt_has_heading_paragraphs_list_language_and_title():
    parts = odt_parts(f.to_odt(f.SECTION_HEADING["sv"], SECTION, "sv", title="Riktlinjer",
                               subject="Beslutsunderlag"))
    assert odt_blocks(parts) == [
        ("h", "1", "Konsekvenser för kvinnor och män, flickor och pojkar"),
        ("p", "Förslaget har analyserats utifrån vad det betyder för kvinnor och män."),
        ("p", "Väntetid till särskilt boende (80+). 2024: kvinnor 59,4 dagar, män 50,0 dagar.\n"
              "Skillnaden bedöms som stor."),
        ("p", "Det saknas:"),
        ("list", ["individbaserad statistik uppdelad på kön;", "förslag på åtgärder;", "en tidsplan."]),
        ("p", "Åtgärder: Se över rutinerna.")]
    assert odt_language(parts) == ("sv", "SE")
    assert (odt_meta(parts, "title"), odt_meta(parts, "subject"), odt_meta(parts, "language")) == \
        ("Riktlinjer", "Beslutsunderlag", "sv-SE")
    # the heading's style is a heading style, and the list's a bullet list
    styles = parts["styles.xml"]
    h1 = styles.find("office:styles/style:style[@style:name='Heading_20_1']", NS)
    assert h1.get("{%s}default-outline-level" % NS["style"]) == "1"
    assert styles.find("office:styles/text:list-style/text:list-level-style-bullet", NS) is not None


def test_odt_english_title_default_and_empty_text():
    parts = odt_parts(f.to_odt(f.SECTION_HEADING["en"], "", "en"))
    assert odt_blocks(parts) == [("h", "1", "Consequences for women and men, girls and boys")]
    assert odt_language(parts) == ("en", "GB")
    assert odt_meta(parts, "title") == f.SECTION_HEADING["en"] and odt_meta(parts, "language") == "en-GB"
    assert odt_meta(parts, "subject") is None
    for text in (None, " \n\n ", "•  "):
        assert odt_blocks(odt_parts(f.to_odt("K", text))) == [("h", "1", "K")]


def test_odt_hostile_text_is_literal_and_control_characters_gone():
    long = "Långt stycke " + "å" * 20_000
    text = "\n\n".join([*HOSTILE, f"a{CONTROL}b\ufffe c", "två  mellanslag\tflik", long,
                        "– " + HOSTILE[0]])
    data = f.to_odt("Rubrik\x00 <i>x</i> {y}", text, title="=1+1\x1f")
    parts = odt_parts(data)  # parses: valid XML
    got = odt_blocks(parts)
    assert got[0] == ("h", "1", "Rubrik <i>x</i> {y}")
    assert [b[1] for b in got[1:len(HOSTILE) + 1]] == HOSTILE
    assert got[len(HOSTILE) + 1:] == [("p", "ab c"), ("p", "två  mellanslag\tflik"), ("p", long),
                                      ("list", [HOSTILE[0]])]
    assert odt_meta(parts, "title") == "=1+1"
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = z.read("content.xml")
    assert b"&lt;script&gt;" in xml and b"<script" not in xml and b"text:a " not in xml


# -- the kit's JSON ----------------------------------------------------------------------------
def test_json_round_trips_in_the_kits_envelope():
    payload = {"threshold": "10 %", "indicators": [{"id": "a1", "title": "Väntetid", "women": 59.4,
                                                   "men": 50.0, "difference": "yes", "suppressed": []}],
               "fourr": {"realise": "Se över rutinerna."}, "checklist": {"s1": "yes", "s2": ""},
               "section": {"text": SECTION, "edited": True}}
    data = f.to_json(payload, "Höst 2025", "Örby kommun", "lärandeträff 2")
    text = data.decode("utf-8")
    assert "Örby" in text and "\\u00d6" not in text  # ensure_ascii=False
    assert text.startswith('{\n  "format"')  # indent 2
    doc = json.loads(data)
    assert doc["format"] == KIT_FORMAT and doc["format_version"] == KIT_FORMAT_VERSION
    assert doc["module"] == doc["kind"] == "konskonsekvensanalys" and doc["version"] == f.VERSION
    assert (doc["workshop"], doc["group"], doc["occasion"]) == ("Höst 2025", "Örby kommun", "lärandeträff 2")
    assert doc["exported_at"].endswith("+00:00")
    assert doc["analysis"] == payload


def test_json_cleans_every_text_and_keeps_hostile_text_literal():
    payload = {"section": {"text": f"a{CONTROL}b\n" + "\n".join(HOSTILE)},
               "k\x00ey": ["x\x0by", float("nan"), float("inf"), True, 3, None],
               "own_goals": [{"name": "=HYPERLINK(\"x\")\x1b", "why": "\ud800"}]}
    doc = json.loads(f.to_json(payload, "W\x00", "=G\x07", "O\x0b"))
    assert (doc["workshop"], doc["group"], doc["occasion"]) == ("W", "=G", "O")
    analysis = doc["analysis"]
    assert analysis["section"]["text"] == "ab\n" + "\n".join(HOSTILE)
    assert analysis["key"] == ["xy", None, None, True, 3, None]
    assert analysis["own_goals"] == [{"name": '=HYPERLINK("x")', "why": "\ufffd"}]


def test_json_refuses_what_is_not_an_analysis():
    with pytest.raises(TypeError):
        f.to_json(["not", "a", "dict"], "w", "g", "o")


def test_mime_types():
    assert f.DOCX == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert f.ODT == "application/vnd.oasis.opendocument.text"
