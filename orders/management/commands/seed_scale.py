"""``python manage.py seed_scale --investors N --orders M [--seed S] [--days D]``: load a
platform-sized, consistent data set by COPY into an empty PostgreSQL database (see
``orders.scale_seed.load``), with a progress bar."""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from orders.scale_seed import copy_text, load


class Command(BaseCommand):
    help = "Load investors, cash, orders, holdings, lots, NAVs and statements by COPY."

    def add_arguments(self, parser):
        parser.add_argument("--investors", type=int, required=True)
        parser.add_argument("--orders", type=int, required=True)
        parser.add_argument(
            "--seed", type=int, default=0, help="The same seed loads the same rows."
        )
        parser.add_argument(
            "--days", type=int, default=60, help="Past trading days to spread over."
        )
        parser.add_argument("--chunk", type=int, default=20_000, help="Investors per COPY batch.")

    def handle(self, *args, **options):
        try:
            load.check_database()
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        bar = tqdm(
            total=options["investors"],
            unit=" investors",
            file=self.stderr,
            disable=options["verbosity"] == 0,
            smoothing=0.1,
        )

        def progress(done: int, rows: int) -> None:
            bar.update(done - bar.n)
            bar.set_postfix(rows=f"{rows:,}", refresh=False)

        try:
            result = load.seed_scale(
                investors=options["investors"],
                orders=options["orders"],
                seed=options["seed"],
                days=options["days"],
                chunk=options["chunk"],
                progress=progress,
                phase=lambda what: bar.write(f"{what}…", file=self.stderr),
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            bar.close()
        rate = result.rows / result.seconds if result.seconds else 0
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {result.investors:,} investors, {result.orders:,} orders, "
                f"{result.rows:,} rows by COPY and closed {result.statements} statements "
                f"in {result.seconds:.1f} s ({rate:,.0f} rows/s)."
            )
        )
        self.stdout.write(
            f"  generating {result.generate_seconds:.1f} s, COPY {result.copy_seconds:.1f} s, "
            f"statements {result.close_seconds:.1f} s, indexes {result.index_seconds:.1f} s, "
            f"VACUUM ANALYZE {result.analyse_seconds:.1f} s"
        )
        for name, count in sorted(result.by_table.items()):
            self.stdout.write(f"  {copy_text.TABLES[name]}: {count:,}")
