"""Command line: ``python -m kit serve``, ``hub``, ``table`` and ``db migrate`` / ``db grants``.

Bad input ends with exit code 2 and one line on stderr (Swedish, or English with ``--lang en``),
never a traceback.
"""

from __future__ import annotations

import argparse
import sys

from kit.errors import InputError


def _table(args) -> int:
    from kit import content
    from kit.domain.scores import summary_table
    from kit.io.readers import read_scores
    from kit.io.writers import table_for_display, write_table

    scores = read_scores(args.scores)
    table = summary_table(scores)
    lang = content.normalise_lang(args.lang)
    if args.out:
        path = write_table(table, args.out, lang)
        print(f"Skrev {path}" if lang == "sv" else f"Wrote {path}")
    else:
        print(table_for_display(table, lang).to_string())
    left_out = table.attrs.get("incomplete") or []
    if left_out:
        names = ", ".join(f"{org} ({occ})" for org, occ, _ in left_out)
        print(f"Obs: inte med i Totalt (saknar moment): {names}", file=sys.stderr)
    return 0


def _serve(args) -> int:
    from kit.serve import DEFAULT_PARTICIPANTS, serve

    if args.participants is None:
        args.participants = DEFAULT_PARTICIPANTS
    return serve(port=args.port, lan=args.lan, open_browser=not args.no_browser,
                 participants=args.participants)


def _db_url(url: str | None):
    """The engine for ``--url`` (default ``JAMKIT_DB_URL``, else the kit's SQLite file) and the
    URL as it may be printed (no password)."""
    import sqlalchemy as sa

    from kit import store as st

    url = (url or "").strip() or st.default_url()
    try:
        engine = st.make_engine(url)
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ValueError):
        raise InputError("db.url_invalid", field="url", value=url,
                         shown=_hide_password(url)) from None
    return engine, engine.url.render_as_string(hide_password=True)


def _hide_password(url: str) -> str:
    """A URL that could not be read, shown without what looks like its password.

    >>> _hide_password("postgresql://app:secret@host/db?x"), _hide_password("nonsense")
    ('postgresql://app:***@host/db?x', 'nonsense')
    """
    import re

    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)


def _db_migrate(args) -> int:
    """``python -m kit db migrate``: create or upgrade the tables, as their owner; with
    ``--grant ROLE`` give the apps' runtime role exactly what they use (PostgreSQL)."""
    import sqlalchemy as sa

    from kit import store as st

    en = args.lang == "en"
    role = st.role_name(args.grant) if args.grant is not None else None  # bad input: before anything
    engine, shown = _db_url(args.url)
    who = engine.url.username or "?"
    try:
        before = st.schema_version(engine)
        if before is not None and before > st.SCHEMA_VERSION:
            raise InputError("db.newer", found=before, version=st.SCHEMA_VERSION)
        st.migrate(engine)
        after = st.schema_version(engine)
        print(f"{'Database' if en else 'Databas'}: {shown}")
        none = "none (no tables)" if en else "ingen (inga tabeller)"
        print(f"{'Schema version before' if en else 'Schemaversion före'}: "
              f"{none if before is None else before}; {'after' if en else 'efter'}: {after}")
        if before is None:
            print(f"Created the kit's tables (version {after})." if en
                  else f"Skapade kitets tabeller (version {after}).")
        elif before < after:
            print(f"Migrated the schema from version {before} to {after}." if en
                  else f"Migrerade schemat från version {before} till {after}.")
        else:
            print("Nothing to do: the schema was already current." if en
                  else "Inget att göra: schemat var redan aktuellt.")
        if role is None:
            return 0
        if engine.dialect.name != "postgresql":
            print(f"--grant {role}: grants do not apply to SQLite (a SQLite file has no roles; "
                  "whoever may write the file may use it). Nothing was granted." if en
                  else f"--grant {role}: behörigheter gäller inte SQLite (en SQLite-fil har inga "
                       "roller; den som får skriva i filen får använda den). Inget gavs.")
            return 0
        statements, extra = st.grant_runtime(engine, role)
        print(f"Granted the role {role} what the apps use at run time:" if en
              else f"Gav rollen {role} det apparna använder när de körs:")
        for statement in statements:
            print(f"  {statement};")
        if extra:
            print(("Warning: the role {role} still has more than the apps need: {extra}. Take it "
                   "away (it is not the tables' owner, a member of it or a superuser; on "
                   "PostgreSQL 14 and older: REVOKE CREATE ON SCHEMA public FROM PUBLIC;)." if en
                   else "Varning: rollen {role} har fortfarande mer än apparna behöver: {extra}. "
                        "Ta bort det (den ska inte äga tabellerna, vara medlem i ägarens roll eller "
                        "vara superanvändare; på PostgreSQL 14 och äldre: REVOKE CREATE ON SCHEMA "
                        "public FROM PUBLIC;).").format(role=role, extra=", ".join(extra)),
                  file=sys.stderr)
        return 0
    except sa.exc.DBAPIError as exc:
        if st._denied(exc):
            raise InputError("db.denied", role=who) from None
        if isinstance(exc, sa.exc.OperationalError):
            reason = " ".join(str(exc.orig).split()) if exc.orig is not None else type(exc).__name__
            raise InputError("db.connect", url=shown, reason=reason) from None
        raise
    finally:
        engine.dispose()


def _db_grants(args) -> int:
    """``python -m kit db grants ROLE``: only print the SQL, to review or paste."""
    from kit.store import runtime_grants

    for statement in runtime_grants(args.role):
        print(f"{statement};")
    return 0


def _participants(value: str) -> int:
    from kit.serve import MAX_PARTICIPANTS

    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"ett heltal, inte {value!r} / a whole number") from None
    if not 0 <= n <= MAX_PARTICIPANTS:
        raise argparse.ArgumentTypeError(f"mellan 0 och {MAX_PARTICIPANTS} / between 0 and {MAX_PARTICIPANTS}")
    return n


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m kit", description="JämKit")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve", help="starta apparna i Voilà / serve the apps")
    s.add_argument("--port", type=int, default=8866)
    s.add_argument("--lan", action="store_true",
                   help="nås från nätverket, med token i länken / reachable on the network")
    s.add_argument("--no-browser", action="store_true", help="öppna ingen webbläsare")
    s.add_argument("--participants", type=_participants, default=None, metavar="N",
                   help="håll N kernels redo för deltagarna / keep N kernels ready "
                        "(standard/default: 10)")
    s.set_defaults(func=_serve)
    h = sub.add_parser("hub", add_help=False,
                       help="en användares server på JupyterHub / a user's server on JupyterHub")
    h.set_defaults(func=None)  # main() hands `hub` and its options to kit.hub.main
    d = sub.add_parser("db", help="databasen: tabeller och roller / the database: tables and roles")
    dsub = d.add_subparsers(dest="db_command", required=True)
    m = dsub.add_parser("migrate", help="skapa eller uppgradera tabellerna, som deras ägare / "
                                        "create or upgrade the tables, as their owner")
    m.add_argument("--url", default=None,
                   help="databasens adress (standard/default: JAMKIT_DB_URL)")
    m.add_argument("--grant", metavar="ROLE", default=None,
                   help="ge apparnas roll det de använder (PostgreSQL) / grant the apps' runtime role")
    m.add_argument("--lang", default="sv", choices=["sv", "en"])
    m.set_defaults(func=_db_migrate)
    g = dsub.add_parser("grants", help="skriv ut SQL:en för apparnas roll / print the runtime role's SQL")
    g.add_argument("role", metavar="ROLE")
    g.add_argument("--lang", default="sv", choices=["sv", "en"])
    g.set_defaults(func=_db_grants)
    t = sub.add_parser("table", help="sammanställ en fil med poäng / summarise a scores file")
    t.add_argument("scores", help="CSV eller XLSX i långt format")
    t.add_argument("--out", help="FIL.xlsx, FIL.csv eller FIL.md")
    t.add_argument("--lang", default="sv", choices=["sv", "en"])
    t.set_defaults(func=_table)
    return p


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["hub"]:  # its own options (kit.hub.main)
        from kit.hub import main as hub

        return hub(argv[1:])
    args = parser().parse_args(argv)
    lang = getattr(args, "lang", "sv")
    label = "Error" if lang == "en" else "Fel"
    try:
        return args.func(args)
    except InputError as exc:
        print(f"{label}: {exc.text(lang)}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"{label}: {exc.strerror or exc} ({getattr(exc, 'filename', '') or ''})", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
