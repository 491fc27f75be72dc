"""Messages Mend sends on its own: due times in the database, claimed atomically."""
