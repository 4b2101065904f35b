"""The shared editing components' Python side (kit/ui/editors.py) and the generic data table
(kit/ui/tables.py). Their behaviour in a browser is tested in tests/test_e2e_editors.py."""

from __future__ import annotations

import re
import shutil
import string
import subprocess

import pytest
import traitlets as t

from kit import content
from kit.ui import editors as ed
from kit.ui.tables import data_table
from kit.ui.widgets import COMPONENTS, CopyButton, esm

HOSTILE = "<img src=x onerror=alert(1)>"
COLUMNS = [
    {"name": "name", "label": "Namn", "type": "text", "required": True},
    {"name": "interest", "label": "Intresse", "type": "number", "min": 1, "max": 4},
    {"name": "channels", "label": "Kanaler", "type": "checks", "options": [["mote", "Möte"], ["mejl", "Mejl"]]},
]


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


# ------------------------------------------------------------------ texts
def test_component_texts_hold_the_same_keys_and_placeholders_in_both_languages():
    sv, en = ed.component_texts("sv"), ed.component_texts("en")
    assert content.key_paths(sv) == content.key_paths(en)
    for key in content.key_paths(sv):
        node_sv, node_en = sv, en
        for part in key.split("."):
            node_sv, node_en = node_sv[part], node_en[part]
        assert placeholders(node_sv) == placeholders(node_en), key
        assert node_sv != node_en or key.endswith(("cell", "heading")), f"{key} is not translated"


@pytest.mark.parametrize("name, strings, pattern", [
    ("rowtable", ed.rowtable_strings, r"S\(\)\.(\w+)"),
    ("steps", ed.steps_strings, r"S\.(\w+)"),
    ("copy", ed.copy_strings, r"S\.(\w+)"),
])
def test_every_text_a_component_asks_for_is_given(name, strings, pattern):
    used = set(re.findall(pattern, (COMPONENTS / f"{name}.js").read_text(encoding="utf-8")))
    assert used, f"no strings found in {name}.js: the pattern is wrong"
    for lang in content.LANGUAGES:
        assert used <= set(strings(lang)), (lang, used - set(strings(lang)))


def test_strings_follow_the_language():
    assert ed.RowTable(lang="en").strings["add"] == "Add row"
    assert ed.RowTable(lang="EN").lang == "en"
    assert ed.RowTable().strings["add"] == "Lägg till rad"
    assert ed.StepSequence(lang="en").strings["step_of"] == "Step {n} of {m}"
    assert ed.rowtable_strings("sv")["cell"].format(field="Intresse", row=ed.rowtable_strings("sv")["row_named"]
                                                    .format(n=2, name="Socialnämnden")) == \
        "Intresse, rad 2: Socialnämnden"


# ------------------------------------------------------------------ the column schema
@pytest.mark.parametrize("column, message", [
    ({"name": "x", "label": "X", "type": "colour"}, "type 'colour'"),
    ({"name": "x", "label": "X", "type": "select"}, "needs options"),
    ({"name": "x", "label": "X", "type": "checks", "options": [["a"]]}, "needs options"),
    ({"name": "x", "label": "X", "type": "select", "options": [["a", "A"], ["a", "B"]]}, "come twice"),
    ({"name": "id", "label": "Id"}, "other than 'id'"),
    ({"name": "", "label": "X"}, "non-empty"),
    ({"name": "x", "label": " "}, "a label"),
    ({"name": "x", "label": "X", "colour": "red"}, "unknown keys"),
    ({"name": "x", "label": "X", "type": "number", "min": "1"}, "min is a number"),
    ({"name": "x", "label": "X", "type": "textarea", "maxlength": 0}, "maxlength is a whole number"),
    ({"name": "x", "label": "X", "type": "textarea", "maxlength": "500"}, "maxlength is a whole number"),
    ({"name": "x", "label": "X", "type": "textarea", "maxlength": True}, "maxlength is a whole number"),
])
def test_a_bad_column_is_refused_naming_it(column, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        ed.check_columns([column])
    with pytest.raises(ValueError, match=re.escape(message)):
        ed.RowTable(columns=[column])


def test_columns_twice_are_refused_and_the_type_defaults_to_text():
    with pytest.raises(ValueError, match="comes twice"):
        ed.check_columns([{"name": "a", "label": "A"}, {"name": "a", "label": "B"}])
    assert ed.RowTable(columns=[{"name": "a", "label": "A"}]).columns[0]["type"] == "text"


def test_rows_get_ids_and_an_id_twice_is_refused():
    table = ed.RowTable(columns=COLUMNS, rows=[{"name": "Socialnämnden"}, {"id": 7, "name": "Skolan"}])
    assert len(table.rows[0]["id"]) == 12 and table.rows[1]["id"] == "7"
    with pytest.raises(t.TraitError, match="comes twice"):
        table.rows = [{"id": "a"}, {"id": "a"}]
    assert [r["name"] for r in table.rows] == ["Socialnämnden", "Skolan"]  # unchanged


def test_a_browser_edit_on_rows_the_kernel_changed_meanwhile_is_merged_not_lost():
    """The kernel adds a row (a pick) while the browser, not yet told, types a note in the
    first: the note lands and the added row stays, and whoever observes the rows sees both."""
    table = ed.RowTable(columns=COLUMNS, rows=[{"id": "a", "name": "Socialnämnden"}])
    seen = []
    table.observe(lambda change: seen.append([r["id"] for r in change["new"]]), "rows")
    base = [dict(r) for r in table.rows]
    table.rows = [*table.rows, {"id": "b", "name": "Skolan"}]  # the kernel's change
    table.set_state({"rows": [{**base[0], "interest": 3}], "edit": {"view": "v", "n": 1, "bases": [[1, base]]}})
    assert [(r["id"], r.get("interest")) for r in table.rows] == [("a", 3), ("b", None)]
    assert seen[-1] == ["a", "b"] and table.applied == {"v": 1}
    # a deletion in the browser is still a deletion, and a plain write (no "edit") replaces
    base = [dict(r) for r in table.rows]
    table.set_state({"rows": [base[1]], "edit": {"view": "v", "n": 2, "bases": [[2, base]]}})
    assert [r["id"] for r in table.rows] == ["b"]
    table.set_state({"rows": [{"id": "c", "name": "Fritid"}]})
    assert [r["id"] for r in table.rows] == ["c"]


def test_edits_folded_into_one_message_merge_from_the_first_edits_rows():
    """ipywidgets sends edits made while the kernel is busy as one message, the last one's: its
    bases still hold the rows the first started from, so none of the edits is lost."""
    r0 = [{"id": "a", "name": "A", "interest": None}]
    table = ed.RowTable(columns=COLUMNS, rows=r0)
    table.set_state({"rows": r0, "edit": {"view": "v", "n": 1, "bases": [[1, r0]]}})
    table.rows = [*table.rows, {"id": "k", "name": "Från kärnan"}]  # the kernel adds one meanwhile
    r1 = [{**r0[0], "interest": 2.5}]          # edit 2: a number (folded away)
    r2 = [{**r1[0], "channels": ["mote"]}]     # edit 3: a check, sent with edit 2's base too
    table.set_state({"rows": r2, "edit": {"view": "v", "n": 3, "bases": [[1, r0], [2, r0], [3, r1]]}})
    assert [(r["id"], r.get("interest"), r.get("channels")) for r in table.rows] == [
        ("a", 2.5, ["mote"]), ("k", None, None)]
    assert table.applied == {"v": 3}
    # an undo right after a delete, before the kernel said it had the delete: the row comes back
    rows = [dict(r) for r in table.rows]
    table.set_state({"rows": rows[1:], "edit": {"view": "v", "n": 4, "bases": [[4, rows]]}})
    table.set_state({"rows": rows, "edit": {"view": "v", "n": 5, "bases": [[4, rows], [5, rows[1:]]]}})
    assert [r["id"] for r in table.rows] == ["a", "k"]


@pytest.mark.parametrize("base, theirs, ours, expected", [
    ([], [{"id": "x"}], [{"id": "k"}], ["x", "k"]),                      # added first stays first
    ([{"id": "a"}], [{"id": "a"}, {"id": "x"}], [{"id": "a"}, {"id": "k"}], ["a", "x", "k"]),
    ([{"id": "a"}, {"id": "b"}], [{"id": "b"}], [{"id": "k"}, {"id": "a"}, {"id": "b"}], ["k", "b"]),
    ([{"id": "a"}, {"id": "b"}], [{"id": "b"}, {"id": "a"}], [{"id": "a"}, {"id": "k"}, {"id": "b"}],
     ["b", "k", "a"]),
    ([{"id": "a"}], [{"id": "a", "n": 1}], [], []),                      # edited a row the kernel took out
])
def test_merge_rows_keeps_both_sides(base, theirs, ours, expected):
    assert [r["id"] for r in ed.merge_rows(base, theirs, ours)] == expected


def test_blank_row_and_missing_required():
    row = ed.blank_row(COLUMNS)
    assert (row["name"], row["interest"], row["channels"]) == ("", None, [])
    rows = [row, ed.blank_row(COLUMNS, name="Skolan"), {"id": "c", "name": "  "}]
    assert ed.missing_required(COLUMNS, rows, "en") == {
        row["id"]: {"name": "Fill in Namn."}, "c": {"name": "Fill in Namn."}}
    checks_required = [{**COLUMNS[2], "required": True}]
    assert ed.missing_required(checks_required, [{"id": "x", "channels": []}])["x"]["channels"] == "Fyll i Kanaler."
    assert ed.missing_required(checks_required, [{"id": "x", "channels": ["mote"]}]) == {}


def test_choice_group_and_step_sequence_check_what_they_are_given():
    choice = ed.ChoiceGroup(options=[[1, "Ett"], ["2", "Två"]])
    assert choice.options == [["1", "Ett"], ["2", "Två"]]
    with pytest.raises(t.TraitError):
        ed.ChoiceGroup(options=[["a"]])
    steps = ed.StepSequence(steps=[{"key": "a", "title": "A"}, {"key": "b", "title": "B"}])
    steps.current = 1
    with pytest.raises(t.TraitError, match="current is 0–1"):
        steps.current = 2
    with pytest.raises(t.TraitError, match="twice"):
        ed.StepSequence(steps=[{"key": "a", "title": "A"}, {"key": "a", "title": "B"}])
    with pytest.raises(t.TraitError):
        ed.StepSequence(steps=[{"key": "a"}])
    with pytest.raises(t.TraitError):
        ed.RowTable(heading_level=1)


def test_row_table_layout_is_auto_or_cards_and_ipywidgets_layout_stays():
    assert ed.RowTable().arrangement == "auto"
    form = ed.RowTable(layout="cards", can_add=False, can_delete=False, can_reorder=False,
                       columns=[{"name": "why", "label": "Varför", "type": "textarea", "maxlength": 20000}],
                       rows=[{"id": "one", "why": "x" * 20000}])
    assert form.arrangement == "cards" and form.columns[0]["maxlength"] == 20000
    assert "arrangement" in form.keys  # synced to the browser
    form.layout.display = "none"  # ipywidgets' box, as the apps use it to hide a table
    assert form.get_state()["layout"].startswith("IPY_MODEL_")
    for bad in ("table", "", "Cards"):
        with pytest.raises(t.TraitError, match="layout is one of auto, cards"):
            form.arrangement = bad
    assert form.arrangement == "cards"
    with pytest.raises(t.TraitError, match="not 'wide'"):
        ed.RowTable(layout="wide")
    with pytest.raises(t.TraitError):
        ed.RowTable(arrangement="wide")
    assert ed.RowTable(arrangement="cards").arrangement == "cards"
    assert ed.RowTable(layout={"width": "20rem"}).layout.width == "20rem"  # a Layout still goes to ipywidgets
    assert ed.RowTable(columns=[{"name": "n", "label": "N", "maxlength": None}]).columns[0]["maxlength"] is None


def test_row_table_honours_the_columns_maxlength_and_cards_give_textareas_room():
    source = (COMPONENTS / "rowtable.js").read_text(encoding="utf-8")
    assert 'h("textarea", { ...attrs, rows: 2, maxlength: col.maxlength || 2000 })' in source
    assert 'model.get("arrangement") === "cards"' in source and '"change:arrangement"' in source
    assert re.search(r"\.jk-rt-cards [^{]*textarea[^{]*\{ min-height: calc\(4 \* 1\.5em",
                     (COMPONENTS / "rowtable.css").read_text(encoding="utf-8"))


def test_copy_button_texts_traits_and_plain_text():
    sv, en = CopyButton(), CopyButton(lang="en")
    assert (sv.label, en.label) == ("Kopiera texten", "Copy the text")
    assert sv.strings == ed.copy_strings("sv") and en.strings == ed.copy_strings("EN")
    assert sv.strings["done"] == "Texten är kopierad."
    assert en.strings["failed"].startswith("Copying did not work.") and "Ctrl+C" in en.strings["failed"]
    assert "⌘+C på Mac" in sv.strings["failed"]
    assert CopyButton(label="Kopiera mejlet").label == "Kopiera mejlet"
    assert {"text", "label", "strings"} <= set(sv.keys)
    sv.text = f"Rad 1\tA\r\nRad 2 {HOSTILE}\x00\x1b\x7f"
    assert sv.text == f"Rad 1\tA\r\nRad 2 {HOSTILE}"  # plain text: tags stay text, control characters go
    sent = []
    sv.on_msg(lambda _w, msg, _b: sent.append(msg))
    sv._handle_custom_msg({"event": "copied", "ok": True}, [])
    assert sent == [{"event": "copied", "ok": True}]


# ------------------------------------------------------------------ the JavaScript
def test_copy_button_js_tries_the_clipboard_then_the_older_way():
    source = (COMPONENTS / "copy.js").read_text(encoding="utf-8")
    for needed in ('navigator.clipboard', 'writeText(text)', 'execCommand("copy")', 'readonly: true',
                   'button.focus()', 'role: "status"', 'type: "button"', 'class: "jk-button',
                   'model.send({ event: "copied", ok })', 'setAttribute("data-jk-copied", "1")',
                   'subs.on("change:text", clear)'):
        assert needed in source, needed


@pytest.mark.parametrize("name", ["rowtable", "choice", "steps", "copy"])
def test_each_component_ships_alone_and_returns_its_cleanup(name):
    source = (COMPONENTS / f"{name}.js").read_text(encoding="utf-8")
    assert source.rstrip().endswith("export default { render };")
    assert re.search(r"\n  return \(\) => \{", source), "render must return its cleanup"
    assert "innerHTML" not in source  # typed text never becomes markup
    assert (COMPONENTS / f"{name}.css").is_file()
    module = esm(name)
    assert "function h(" in module and module.count("export default") == 1


@pytest.mark.skipif(not shutil.which("node"), reason="node is not installed")
@pytest.mark.parametrize("name", ["rowtable", "choice", "steps", "copy"])
def test_each_component_parses_as_a_module(name, tmp_path):
    path = tmp_path / f"{name}.mjs"
    path.write_text(esm(name), encoding="utf-8")
    result = subprocess.run(["node", "--check", str(path)], check=False, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


# ------------------------------------------------------------------ data_table
def test_data_table_escapes_and_writes_numbers_in_the_language():
    columns = [("org", "Organisation"), ("score", "Poäng"), ("note", "Not")]
    rows = [{"org": HOSTILE, "score": 2.5, "note": HOSTILE}, {"org": "Örby", "score": None, "note": None}]
    sv = data_table(columns, rows, caption=f"Poäng {HOSTILE}", row_header="org", numeric={"score"})
    assert "<img" not in sv and sv.count("&lt;img src=x onerror=alert(1)&gt;") == 4  # cells, caption, label
    assert "<td>2,5</td>" in sv and "<td>–</td>" in sv
    assert '<th scope="row" class="jk-cell-text">&lt;img' in sv
    assert sv.count('<th scope="col"') == 3 and "<caption>Poäng &lt;img" in sv
    assert sv.startswith('<div class="jk-table-wrap" role="region" tabindex="0" aria-label="Poäng &lt;img')
    en = data_table(columns, rows, caption="Scores", numeric={"score"}, lang="en")
    assert "<td>2.5</td>" in en and 'scope="row"' not in en
    assert "<td>3</td>" in data_table([("n", "N")], [{"n": 3}], "C", numeric={"n"})


def test_data_table_refuses_a_row_header_that_is_no_column():
    with pytest.raises(ValueError, match="row_header 'x'"):
        data_table([("a", "A")], [], "C", row_header="x")
