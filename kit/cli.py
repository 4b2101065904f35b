"""Command line: ``python -m kit serve`` and ``python -m kit table``.

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
