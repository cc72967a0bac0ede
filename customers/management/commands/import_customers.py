"""Import customers from a CSV or XLSX file: the web import's checks and report, from the command line.

    manage.py import_customers FILE [--encoding auto|utf-8|gbk|gb18030] [--user USERNAME] [--commit]
                                    [--no-header] [--map COLUMN=FIELD ...]

Prints the column mapping (guessed from the headers, as on the web page; --map B=phone or
--map 电话=other_phones sets a column by letter or header, --map X= leaves it out) and the per-row report.
Writes only with --commit and only when every row is valid; exits with status 1 when any row is not.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from crm_site import customfields
from customers import importing
from customers.selectors import ENTITY


class Command(BaseCommand):
    help = "Check (and with --commit, import) customers from a CSV or XLSX file; prints the per-row report."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV or XLSX file")
        parser.add_argument("--encoding", default="auto", choices=[code for code, _label in importing.ENCODINGS])
        parser.add_argument("--user", default="", help="Importing user and default owner (default: first superuser)")
        parser.add_argument("--no-header", action="store_true", help="The first row is a customer, not column names")
        parser.add_argument("--commit", action="store_true", help="Write the customers (only if every row is valid)")
        parser.add_argument(
            "--map", action="append", default=[], metavar="COLUMN=FIELD", help="Map a column (letter or header)"
        )

    def handle(self, *args, file, encoding, user, no_header, commit, map, **options):  # noqa: A002 (the option's name)
        by = self.importing_user(user)
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}", returncode=1) from None
        definitions = customfields.definitions(ENTITY)
        try:
            sheet = importing.read(data, filename=path.name, encoding=encoding, has_header=not no_header)
            mapping = self.apply_overrides(sheet, importing.guess_mapping(sheet.headers, definitions), map)
            self.print_mapping(sheet, mapping, definitions)
            report = importing.validate(sheet, mapping, by=by, definitions=definitions)
        except importing.FileRejected as rejected:
            raise CommandError(rejected.message, returncode=1) from None
        for row, column, message in report.lines():
            self.stdout.write(f"row {row}\t{column}\t{message}")
        self.stdout.write(
            f"{report.total} rows read ({sheet.encoding_label}): {report.valid_count} valid, "
            f"{report.invalid_count} with problems ({len(report.errors)} errors, {len(report.duplicates)} duplicates)."
        )
        if not report.ok:
            raise CommandError("Nothing was imported: correct the rows above and run again.", returncode=1)
        if not commit:
            self.stdout.write("Every row is valid. Nothing was written (dry run): add --commit to import.")
            return
        try:
            count = importing.commit(report, by=by, source=path.name)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages), returncode=1) from None
        self.stdout.write(self.style.SUCCESS(f"Imported {count} customers as {by.get_username()}."))

    def importing_user(self, username: str):
        User = get_user_model()
        if username:
            found = User.objects.filter(username=username, is_active=True).first()
            if found is None:
                raise CommandError(f"No active user “{username}”.", returncode=1)
            return found
        found = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if found is None:
            raise CommandError("No superuser exists: name the importing user with --user.", returncode=1)
        return found

    def apply_overrides(self, sheet, mapping: list[str], overrides: list[str]) -> list[str]:
        letters = {importing.column_letter(index): index for index in range(sheet.width)}
        headers = {header: index for index, header in enumerate(sheet.headers) if header}
        for override in overrides:
            column, _sep, field = override.partition("=")
            index = letters.get(column.strip().upper(), headers.get(column.strip()))
            if index is None:
                raise CommandError(f"--map {override}: no column “{column}” in the file.", returncode=1)
            mapping[index] = field.strip()
        return mapping

    def print_mapping(self, sheet, mapping, definitions):
        labels = {target.key: target.label for target in importing.targets(definitions)}
        for index in range(sheet.width):
            key = mapping[index] if index < len(mapping) else ""
            self.stdout.write(f"  {sheet.column_label(index)} → {labels[key] if key else '(not imported)'}")
