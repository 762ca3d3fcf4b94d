"""Operations: backups and restores of the database."""
