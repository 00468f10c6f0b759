"""Stories → the stored library: SQLite, the library-wide term index, the bundled sample."""
