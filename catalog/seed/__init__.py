"""Read, validate and write the catalog's fixtures (the `seed` command)."""

from catalog.seed.reader import Dataset, DatasetError, read_dataset
from catalog.seed.writer import write_dataset

__all__ = ["Dataset", "DatasetError", "read_dataset", "write_dataset"]
