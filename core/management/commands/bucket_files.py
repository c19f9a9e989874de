"""Copy the uploaded files between the S3-compatible bucket (DJANGO_S3_BUCKET) and a local folder, for
`make backup` (download: every object, by its key) and `make restore` (upload: every file, by its path).

    python manage.py bucket_files download /path/to/folder
    python manage.py bucket_files upload /path/to/folder

Objects stay private (no ACL is given; the bucket's own policy applies, as for uploads through the portal).
"""

from pathlib import Path

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Download every object of the uploads bucket into a folder, or upload a folder's files into it."

    def add_arguments(self, parser):
        parser.add_argument("direction", choices=["download", "upload"])
        parser.add_argument("directory")

    def handle(self, *args, direction: str, directory: str, **options):
        bucket = getattr(default_storage, "bucket", None)
        if bucket is None:
            raise CommandError("The uploads are not in an S3 bucket (DJANGO_S3_BUCKET is not set).")
        root = Path(directory).resolve()
        if direction == "download":
            root.mkdir(parents=True, exist_ok=True)
            count = 0
            for item in bucket.objects.all():
                if item.key.endswith("/"):
                    continue  # a folder marker, no file
                target = (root / item.key).resolve()
                if not target.is_relative_to(root):
                    raise CommandError(f"Object key {item.key!r} would leave {root}; nothing more downloaded.")
                target.parent.mkdir(parents=True, exist_ok=True)
                bucket.download_file(item.key, str(target))
                count += 1
            self.stdout.write(f"{count} object(s) downloaded from {bucket.name}")
            return
        if not root.is_dir():
            raise CommandError(f"{root} is not a folder.")
        files = sorted(path for path in root.rglob("*") if path.is_file())
        for path in files:
            bucket.upload_file(str(path), path.relative_to(root).as_posix())
        self.stdout.write(f"{len(files)} file(s) uploaded to {bucket.name}")
