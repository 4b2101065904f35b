"""The same store suite on SQLite and on a real PostgreSQL."""

import threading

import pytest
import sqlalchemy as sa

import kit
from kit.domain import scores as sc
from kit.store import Store, revisions


@pytest.fixture(params=["sqlite", "postgres"])
def store(request, tmp_path):
    if request.param == "sqlite":
        s = Store(f"sqlite:///{tmp_path / 'store.sqlite'}")
    else:
        url = request.getfixturevalue("postgres_url")
        s = Store(url)
        with s.engine.begin() as conn:
            conn.execute(revisions.delete())
    yield s
    s.dispose()


def form(score, comment=""):
    return {m: {"score": score, "comment": comment, "actions": ""} for m in sc.MOMENTS}


def test_saves_append_revisions_and_latest_is_shown(store):
    first = store.save_answers("Kurs", "Örby", "uppstart", "chef", form(2, "först"))
    second = store.save_answers("Kurs", "Örby", "uppstart", "chef", form(3, "sedan"))
    assert second.id > first.id
    latest = store.load_answers("Kurs", "Örby", "uppstart", "chef")
    assert latest[1] == {"score": 3, "comment": "sedan", "actions": ""}
    history = store.history("Kurs", "Örby", "uppstart", "chef")
    assert [h.payload["answers"]["1"]["comment"] for h in history] == ["först", "sedan"]
    assert store.count() == 2


def test_last_revision_id_moves_only_for_its_workshop(store):
    assert store.last_revision_id("Kurs") == 0
    first = store.save_answers("Kurs", "Örby", "uppstart", None, form(2))
    store.save_answers("Annan", "Örby", "uppstart", None, form(2))
    assert store.last_revision_id("Kurs") == first.id
    store.delete_group("Kurs", "Örby")
    assert store.last_revision_id("Kurs") > first.id


def test_keys_are_separate_and_consensus_is_its_own_role(store):
    store.save_answers("Kurs", "Örby", "uppstart", "chef", form(1))
    store.save_answers("Kurs", "Örby", "uppstart", None, form(4))
    store.save_answers("Kurs", "Åby", "uppstart", None, form(2))
    store.save_answers("Annan kurs", "Örby", "uppstart", None, form(3))
    assert store.load_answers("Kurs", "Örby", "uppstart", None)[5]["score"] == 4
    assert store.load_answers("Kurs", "Örby", "uppstart", "chef")[5]["score"] == 1
    assert store.load_answers("Kurs", "Örby", "lärandeträff 1", None) is None
    assert store.workshops() == ["Annan kurs", "Kurs"] and store.groups("Kurs") == ["Åby", "Örby"]
    frame = store.answers_frame("Kurs")
    table = kit.summary_table(frame)
    assert table.loc["Totalt", "uppstart"] == 30.0  # Örby consensus 40, Åby 20


def test_invalid_form_writes_nothing(store):
    bad = form(3)
    bad[7] = {"score": 9}
    with pytest.raises(kit.InputError, match="'9'"):
        store.save_answers("Kurs", "Örby", "uppstart", "chef", bad)
    assert store.count() == 0


def test_import_is_all_or_nothing(store):
    good = sc.to_frame([sc.validate_answer("A", "uppstart", m, 2, "chef") for m in sc.MOMENTS]
                       + [sc.validate_answer("B", "uppstart", m, 3) for m in sc.MOMENTS])
    assert store.import_answers("Kurs", good) == 2
    assert store.count() == 2
    broken = good.copy()
    broken.loc[15, "organisation"] = ""  # the second form cannot be written
    with pytest.raises(kit.InputError):
        store.import_answers("Kurs", broken)
    assert store.count() == 2


def test_hostile_text_is_stored_verbatim(store):
    text = "<script>alert(1)</script>'; DROP TABLE revisions;--"
    store.save_answers(text, text, "uppstart", None, {1: {"score": 2, "comment": text, "actions": text}})
    assert store.load_answers(text, text, "uppstart", None)[1]["comment"] == text
    assert store.workshops() == [" ".join(text.split())]


def test_thirty_groups_saving_twenty_times_at_once_lose_nothing(store):
    """Issue 3: 30 groups x 20 saves at the same moment, exact count and latest values."""
    groups, saves = 30, 20
    errors, barrier = [], threading.Barrier(groups)

    def worker(g):
        try:
            barrier.wait(timeout=60)
            for i in range(saves):
                answers = {m: {"score": ((g + i + m) % 4) + 1, "comment": f"{g}-{i}", "actions": ""}
                           for m in sc.MOMENTS}
                store.save_answers("Kurs", f"Grupp {g:02d}", "uppstart", None, answers)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(repr(exc))

    threads = [threading.Thread(target=worker, args=(g,)) for g in range(groups)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert errors == []
    assert store.count() == groups * saves
    for g in range(groups):
        history = store.history("Kurs", f"Grupp {g:02d}", "uppstart", None)
        assert [h.payload["answers"]["1"]["comment"] for h in history] == [f"{g}-{i}" for i in range(saves)]
    frame = store.answers_frame("Kurs")
    assert len(frame) == groups * 10
    latest = {(r.organisation, int(r.moment)): int(r.score) for r in frame.itertuples()}
    assert all(latest[(f"Grupp {g:02d}", m)] == ((g + saves - 1 + m) % 4) + 1
               for g in range(groups) for m in sc.MOMENTS)


def test_workshop_and_group_records_are_revisions_and_deletion_is_recoverable(store):
    from kit.domain.access import hash_key, may_use_group

    store.save_workshop("Kurs", lang="sv", facilitator_key_hash=hash_key("f"))
    assert store.workshop_record("Kurs")["occasions"][0] == {"key": "uppstart", "date": ""}
    store.claim_group("Kurs", "Örby", hash_key("AB12-CD34"))
    store.save_answers("Kurs", "Örby", "uppstart", None, form(3))
    store.save_answers("Kurs", "Åby", "uppstart", None, form(2))
    assert may_use_group(store.group_record("Kurs", "Örby"), "ab12cd34")
    assert not may_use_group(store.group_record("Kurs", "Örby"), "")
    assert store.groups("Kurs") == ["Åby", "Örby"]
    store.delete_group("Kurs", "Örby")
    assert store.groups("Kurs") == ["Åby"]
    assert set(store.answers_frame("Kurs")["organisation"]) == {"Åby"}
    assert list(store.saved_overview("Kurs")["organisation"]) == ["Åby"]
    store.restore_group("Kurs", "Örby")
    assert store.groups("Kurs") == ["Åby", "Örby"]
    assert may_use_group(store.group_record("Kurs", "Örby"), "AB12-CD34")  # the key came back too
    assert store.load_answers("Kurs", "Örby", "uppstart", None)[1]["score"] == 3


def test_sqlite_store_uses_wal(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'wal.sqlite'}")
    with s.engine.connect() as conn:
        assert conn.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"


def test_the_self_assessments_record_name_is_one_name():
    from kit import modules
    from kit import store as store_module
    from kit.modules.selfassessment import records

    assert store_module.SELF_ASSESSMENT == records.MODULE == modules.get("sjalvskattning").record
