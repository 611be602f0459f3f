"""`flask catalogue import FILE` and `flask catalogue export`: offerings as rows (CSV or JSON);
a JSON catalogue also carries the national life events and which service needs which."""
import csv
import io
import json
import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from ..errors import NotFound
from ..extensions import begin_write, db
from . import life_events
from .import_export import ImportRejected, export_rows, import_rows
from .schemas import COLUMNS, from_spreadsheet, to_spreadsheet

catalogue_cli = AppGroup("catalogue", help="Import and export the catalogue of services.")


def read_life_events(path):
    """The life events and needs a JSON catalogue carries beside its rows, or None."""
    if not path.lower().endswith(".json"):
        return None
    data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    if isinstance(data, dict) and ("life_events" in data or "needs" in data):
        return {key: data[key] for key in ("needs", "life_events") if key in data}
    return None


def read_catalogue_file(path):
    """[(row label, raw row)] from a .csv (comma or semicolon) or .json file."""
    text = Path(path).read_text(encoding="utf-8-sig")
    if path.lower().endswith(".json"):
        data = json.loads(text)
        items = data.get("rows") if isinstance(data, dict) else data
        if not isinstance(items, list):
            raise click.UsageError("A JSON catalogue is a list of rows, or {\"rows\": [...]}.")
        return [(f"item {i}", item if isinstance(item, dict) else {"_item": item})
                for i, item in enumerate(items, 1)]
    header = text.split("\n", 1)[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    # Numbered as a spreadsheet numbers its rows: the header is row 1.
    return [(f"baris {number}", from_spreadsheet(cells))
            for number, cells in enumerate(reader, start=2)]


@catalogue_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_command(path):
    """Add or update services and offerings from a CSV or JSON file; all rows or none."""
    try:
        rows = read_catalogue_file(path)
    except (ValueError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"{path} tidak terbaca: {exc}") from None
    events = read_life_events(path)
    begin_write(db.session)
    try:
        result = import_rows(db.session, rows)
        if events is not None:
            life_events.load(db.session, events)
    except ImportRejected as exc:
        db.session.rollback()
        for where, message in exc.errors:
            click.echo(f"{path}: {where}: {message}", err=True)
        raise click.ClickException(
            f"Tidak ada yang diimpor: {len(exc.errors)} kesalahan dalam {len(rows)} baris.")
    except ValueError as exc:
        db.session.rollback()
        raise click.ClickException(f"Tidak ada yang diimpor: {exc}") from None
    db.session.commit()
    click.echo(f"{len(rows)} baris: {result.created} layanan MPP baru, {result.updated} diperbarui, "
               f"{result.unchanged} tetap; {result.services_created} standar layanan baru, "
               f"{result.services_updated} diperbarui; {result.agencies_created} instansi baru.")


@catalogue_cli.command("export")
@click.option("--mpp", "mpp_slug", help="Only this MPP (its slug, e.g. kota-kediri).")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv",
              show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True),
              help="Write to this file instead of standard output.")
def export_command(mpp_slug, fmt, output):
    """Write the offerings (of one MPP, or all) in the format `catalogue import` reads."""
    try:
        rows = list(export_rows(db.session, mpp_slug))
    except NotFound as exc:
        raise click.ClickException(exc.message) from None
    out = open(output, "w", encoding="utf-8", newline="") if output else sys.stdout
    try:
        if fmt == "json":     # the rows, and the national life events and needs beside them
            json.dump({"rows": [to_json(r) for r in rows], **life_events.dump(db.session)},
                      out, ensure_ascii=False, indent=1)
            out.write("\n")
        else:
            writer = csv.DictWriter(out, fieldnames=COLUMNS)
            writer.writeheader()
            writer.writerows(to_spreadsheet(r) for r in rows)
    finally:
        if output:
            out.close()


def to_json(row):
    return {k: v for k, v in row.items() if v not in (None, "")}

