"""Load the fixtures into the database, all or nothing.

The catalog is read-only on the site: this command is the one way data gets in.
It validates every file first and writes nothing if any record is wrong, so a
half-loaded catalog can never be served.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from catalog.seed import DatasetError, read_dataset, write_dataset


class Command(BaseCommand):
    help = "Validate fixtures/ and load it into the database in one transaction."

    def add_arguments(self, parser):
        parser.add_argument(
            "--fixtures",
            default=settings.FIXTURES_DIR,
            help="Folder to read (default: the project's fixtures/).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Validate only; leave the database untouched.",
        )

    def handle(self, *args, fixtures, dry_run, verbosity, **options):
        try:
            dataset = read_dataset(fixtures)
        except DatasetError as exc:
            for error in exc.errors:
                self.stderr.write(self.style.ERROR(error))
            raise CommandError(
                f"{len(exc.errors)} problem(s) in the fixtures; nothing was loaded."
            ) from exc
        if verbosity >= 1:
            for kind, count in dataset.counts().items():
                self.stdout.write(f"{count:5d} {kind} record(s)")
        if dry_run:
            self.stdout.write(
                self.style.SUCCESS("Fixtures are valid (dry run: nothing written).")
            )
            return
        version = write_dataset(dataset)
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded dataset {version.short_digest} from {fixtures}."
            )
        )
