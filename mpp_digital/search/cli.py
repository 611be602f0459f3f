"""`flask search reindex` and `flask search synonyms …`."""
import click
from flask.cli import AppGroup
from sqlalchemy import select

from .. import clock
from ..errors import DomainError
from ..extensions import db
from . import get_index
from .models import SearchSynonym
from . import thesaurus
from .operations import add_synonym

search_cli = AppGroup("search", help="The search index and the synonym list.")


@search_cli.command("reindex")
def reindex_command():
    """Rebuild the search index from the database; readers switch when it is complete."""
    index = get_index()
    if not index.rebuild(db.session):
        raise click.ClickException("Another process is rebuilding the index; try again later.")
    click.echo(f"Search index rebuilt in {index.folder / index.current_generation()}.")


synonyms_cli = AppGroup("synonyms", help="Words that mean the same to citizens.")
search_cli.add_command(synonyms_cli)


@synonyms_cli.command("list")
def list_synonyms():
    """Show the groups staff added (the shipped list is mpp_digital/search/synonyms.txt)."""
    for row in db.session.scalars(select(SearchSynonym).order_by(SearchSynonym.id)):
        click.echo(f"{row.id}\t{row.terms}")


@synonyms_cli.command("add")
@click.argument("terms")
def add_synonym_command(terms):
    """Add a group, e.g. "akte, akta, surat lahir"; searches use it within half a minute."""
    try:
        row = add_synonym(db.session, terms, clock.utc(clock.now()))
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    db.session.commit()
    click.echo(f"{row.id}\t{row.terms}")


@synonyms_cli.command("remove")
@click.argument("synonym_id", type=int)
def remove_synonym_command(synonym_id):
    """Remove a group that staff added."""
    row = db.session.get(SearchSynonym, synonym_id)
    if row is None:
        raise click.ClickException(f"No synonym group {synonym_id}.")
    db.session.delete(row)
    db.session.commit()
    thesaurus.forget()
