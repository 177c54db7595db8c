"""The derived SQLite index of the content: a cache, rebuilt (never repaired) when its
schema version differs or the file is corrupt. User data never lives here."""
